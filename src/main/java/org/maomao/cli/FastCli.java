package org.maomao.cli;

import org.maomao.units.Elapsed;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entry point of {@code ./maomao}: answers the plain listings ({@code collectors}/{@code list},
 * {@code schedules}, {@code runs}, {@code datasets}, {@code spikes}, with their options and {@code
 * --json}, {@code --url}, {@code --token}) without loading picocli, Jackson or any class of the
 * daemon, and hands every other command line to {@link MaomaoCli} in the same process. Those
 * libraries were most of a listing's time: picocli's classes, compiled for Java 5, are left out of a
 * class-data archive and verified at each start; Jackson's ObjectMapper and the daemon's config
 * reader load hundreds of classes.
 * <p>
 * What it prints and its exit code are those of {@link MaomaoCli} (FastCliTest compares the two
 * against a real daemon, error cases included); the tables are {@link ListingCommands}'s. Whenever
 * it is not sure to answer the same (an option it does not know, a help or version flag, a config
 * file with quotes, a URL with a path, a proxy, an answer it does not fully understand), it hands
 * over before printing anything, and the full CLI does it all again (each request it makes is a
 * GET, which changes nothing).
 */
public final class FastCli {
    /**
     * Set by the launcher for the run that records a class-data archive: {@code list} for the
     * listing path ({@link FastCliRehearsal}), {@code cli} for the full CLI.
     */
    static final String TRAINING = "maomao.cli.training";

    /** The commands answered here, aliases included. */
    private static final Set<String> COMMANDS = Set.of("collectors", "list", "schedules", "runs", "datasets", "spikes");
    /** Each command's own options (all take a value). */
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "runs", Set.of("--collector", "--state", "--limit", "--before"),
            "spikes", Set.of("--collector", "--series", "--since", "--limit"));
    /** Words picocli may take for a command rather than an option's value: such a value is left to it. */
    private static final Set<String> COMMAND_WORDS = Set.of("daemon", "detect", "register", "run", "collectors", "list",
            "schedules", "runs", "log", "cancel", "spikes", "series", "datasets", "status", "doctor", "reload", "keys",
            "metrics", "shell", "rescan", "show", "rm", "pause", "resume", "add", "commits", "help", "watch");

    private FastCli() {
    }

    /** What a command line prints and its exit code. */
    record Answer(int code, String out, String err) {
    }

    public static void main(String[] args) {
        String training = System.getProperty(TRAINING);
        if ("list".equals(training)) {
            FastCliRehearsal.perform();
        }
        Answer a = "cli".equals(training) ? null : answer(args, System.getenv());
        if (a == null) {
            MaomaoCli.main(args);
            return;
        }
        if (!a.out().isEmpty()) {
            PrintWriter out = writer(System.out, "sun.stdout.encoding");
            out.print(a.out());
            out.flush();
        }
        if (!a.err().isEmpty()) {
            PrintWriter err = writer(System.err, "sun.stderr.encoding");
            err.print(a.err());
            err.flush();
        }
        System.exit(a.code());
    }

    /** picocli's own writer for standard output or error ({@code CommandLine.getOut()}), for the same bytes. */
    private static PrintWriter writer(PrintStream stream, String encodingProperty) {
        String name = System.getProperty(encodingProperty);
        Charset cs;
        if (name == null) {
            cs = Charset.defaultCharset();
        } else {
            try {
                cs = Charset.forName("cp65001".equalsIgnoreCase(name) ? "UTF-8" : name);
            } catch (RuntimeException e) {
                cs = Charset.defaultCharset();
            }
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, cs)), true);
    }

    /** What {@link MaomaoCli} would print for {@code args}, or null to let it run. */
    static Answer answer(String[] args, Map<String, String> env) {
        if (System.getProperty("picocli.trace") != null) {
            return null; // picocli would trace to standard error
        }
        String command = null;
        boolean json = false;
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                if (json) {
                    return null;
                }
                json = true;
                continue;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                boolean known = name.equals("--url") || name.equals("--token")
                        || command != null && OPTIONS.getOrDefault(command, Set.of()).contains(name);
                if (!known) {
                    return null;
                }
                String value = eq >= 0 ? a.substring(eq + 1) : i + 1 < args.length ? args[++i] : null;
                if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")
                        || COMMAND_WORDS.contains(value) || opts.put(name, value) != null) {
                    return null;
                }
                continue;
            }
            if (command != null || !COMMANDS.contains(a)) {
                return null; // a subcommand, a parameter, a short option, an @file...
            }
            command = a;
        }
        if (command == null) {
            return null;
        }
        String path = path(command, opts);
        if (path == null) {
            return null;
        }
        try {
            return fetch(command, path, json, opts.get("--url"), opts.get("--token"), env);
        } catch (MiniJson.Unsure | PlainHttpGet.Unsure | ClientConfig.Unsure | Unsure e) {
            return null;
        }
    }

    /** Something in the daemon's answer the full CLI prints otherwise (a stack trace, say). */
    private static final class Unsure extends Exception {
        Unsure(String why) {
            super(why, null, false, false);
        }
    }

    /** The request of the listing, as {@link ListingCommands} builds it; null to let picocli judge an option. */
    private static String path(String command, Map<String, String> opts) {
        return switch (command) {
            case "collectors", "list" -> "/collectors";
            case "schedules" -> "/schedules";
            case "datasets" -> "/datasets";
            case "runs" -> {
                String limit = limit(opts.get("--limit"), "20");
                yield limit == null ? null : cat("/runs?limit=", limit, query(opts, "--before", "--collector", "--state"));
            }
            case "spikes" -> {
                String limit = limit(opts.get("--limit"), "100");
                yield limit == null ? null : cat("/spikes?limit=", limit, query(opts, "--collector", "--series", "--since"));
            }
            default -> null;
        };
    }

    /** An int option as picocli reads it, when written plainly; null otherwise. */
    private static String limit(String given, String dflt) {
        if (given == null) {
            return dflt;
        }
        return given.matches("0|[1-9][0-9]{0,8}") ? given : null;
    }

    private static String query(Map<String, String> opts, String... names) {
        StringBuilder q = new StringBuilder();
        for (String n : names) {
            String v = opts.get(n);
            if (v != null) {
                q.append('&').append(n.substring(2)).append('=').append(enc(v));
            }
        }
        return q.toString();
    }

    /** {@link ClientCommand#enc}. */
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Answer fetch(String command, String path, boolean json, String url, String token,
            Map<String, String> env) throws MiniJson.Unsure, PlainHttpGet.Unsure, ClientConfig.Unsure, Unsure {
        // GlobalOptions.client()
        String u = url != null ? url : env.get("MAOMAO_URL");
        String t = token != null ? token : env.get("MAOMAO_TOKEN");
        if (u == null || t == null) {
            ClientConfig c = ClientConfig.load(env);
            if (u == null) {
                String listen = c.listen() == null ? "127.0.0.1:8080" : c.listen();
                int colon = listen.lastIndexOf(':');
                if (colon < 0) {
                    throw new Unsure("a listen address without a port");
                }
                String host = listen.substring(0, colon);
                if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                    host = "127.0.0.1";
                }
                u = cat("http://", host, ":", listen.substring(colon + 1));
            }
            if (t == null) {
                t = c.token();
            }
        }
        // ApiClient
        String base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        PlainHttpGet http = PlainHttpGet.of(u);
        PlainHttpGet.Response r;
        try {
            r = http.get(path, t);
        } catch (PlainHttpGet.Unreachable e) {
            return failure(ExitCode.UNREACHABLE, cat("maomao daemon not reachable at ", base,
                    " (start it with `maomao daemon`, or point --url / MAOMAO_URL at it)"));
        }
        if (r.status() >= 400) {
            return refused(r);
        }
        if (r.status() != 200) {
            throw new Unsure("status " + r.status());
        }
        Object body = MiniJson.parse(r.body());
        if (!(body instanceof List<?> list)) {
            throw new Unsure("not a list");
        }
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out);
        if (json) {
            w.println(MiniJson.pretty(list));
            w.flush();
            return new Answer(0, out.toString(), "");
        }
        Table table = table(command);
        for (Object e : list) {
            if (!(e instanceof Map<?, ?> m)) {
                throw new Unsure("not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> row = (Map<String, Object>) m;
            row(command, table, row);
        }
        table.print(w);
        return new Answer(0, out.toString(), "");
    }

    /** ApiClient.check: the daemon's sentence and the exit code for its status. */
    private static Answer refused(PlainHttpGet.Response r) throws MiniJson.Unsure, Unsure {
        int s = r.status();
        String message = cat("HTTP ", Integer.toString(s));
        if (!r.body().isEmpty()) {
            Object n = MiniJson.parse(r.body());
            if (n instanceof Map<?, ?> m && m.containsKey("message")) {
                if (!(m.get("message") instanceof String text)) {
                    throw new Unsure("a message that is not text");
                }
                message = text;
            }
        }
        if (s == 401) {
            return failure(ExitCode.USAGE, cat(message, " (give --token or MAOMAO_TOKEN)"));
        }
        return failure(s < 500 ? ExitCode.USAGE : ExitCode.FAILED, message);
    }

    private static Answer failure(ExitCode code, String message) {
        StringWriter err = new StringWriter();
        PrintWriter w = new PrintWriter(err);
        w.println(cat("maomao: ", message));
        w.flush();
        return new Answer(code.code(), "", err.toString());
    }

    /** ListingCommands' table of each listing. */
    private static Table table(String command) {
        return switch (command) {
            case "collectors", "list" -> new Table("NAME", "IMAGE", "DATASET", "SOURCE");
            case "schedules" -> new Table("ID", "FREQUENCY", "TIMEZONE", "NEXT", "PAUSED");
            case "runs" -> new Table("ID", "COLLECTOR", "DATASET", "STATE", "ATTEMPT", "MEMBER", "CREATED", "DURATION",
                    "MESSAGE");
            case "datasets" -> new Table("NAME", "BRANCH", "HEAD", "AHEAD", "REMOTE");
            case "spikes" -> new Table("SERIES", "DATASET", "TIMESTAMP", "VALUE", "Z", "DIRECTION");
            default -> throw new IllegalArgumentException(command);
        };
    }

    /** ListingCommands' row of each listing. */
    private static void row(String command, Table t, Map<String, Object> r) throws Unsure {
        switch (command) {
            case "collectors", "list" -> t.row(text(r, "name"), text(r, "image"), text(r, "dataset"), text(r, "source"));
            case "schedules" -> t.row(text(r, "id"), text(r, "frequency"), text(r, "timezone"), text(r, "next_fire_time"),
                    text(r, "paused"));
            case "runs" -> {
                Object d = r.get("duration_s");
                t.row(text(r, "id"), text(r, "collector"), text(r, "dataset"), text(r, "state"),
                        cat(text(r, "attempt"), "/", text(r, "max_attempts")), text(r, "member"), text(r, "created_at"),
                        Elapsed.format(d instanceof MiniJson.Num n ? Double.valueOf(n.asDouble()) : null),
                        text(r, "message"));
            }
            case "datasets" -> {
                Object head = r.get("head");
                if (head != MiniJson.NULL && !(head instanceof String h && h.length() >= 12)) {
                    throw new Unsure("a head that is not a commit id");
                }
                t.row(text(r, "name"), text(r, "branch"), head == MiniJson.NULL ? "-" : ((String) head).substring(0, 12),
                        text(r, "ahead_by"), text(r, "remote"));
            }
            case "spikes" -> {
                if (!(r.get("z") instanceof MiniJson.Num z)) {
                    throw new Unsure("a z that is not a number");
                }
                t.row(text(r, "series"), text(r, "dataset"), text(r, "timestamp"), text(r, "value"),
                        String.format("%.2f", z.asDouble()), text(r, "direction"));
            }
            default -> throw new IllegalArgumentException(command);
        }
    }

    /**
     * The strings one after the other. This path writes no {@code +} between strings: javac makes
     * each an invokedynamic whose first call builds method handles, some milliseconds a listing.
     */
    static String cat(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append(p);
        }
        return b.toString();
    }

    /** ClientCommand.text: "-" for a missing field or null, a string as is, anything else as JSON. */
    static String text(Map<String, Object> n, String field) {
        Object v = n.get(field);
        return v == null || v == MiniJson.NULL ? "-" : v instanceof String s ? s : MiniJson.compact(v);
    }
}

package org.maomao.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.maomao.units.Durations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * A CLI command that talks to a daemon: gets the client from the global options and
 * turns failures into the CLI's exit codes (2 usage or refused input, 3 unreachable).
 * A command that waits declares {@code --timeout} with {@link #timeout}: when it expires
 * the command ends with exit 1 and a sentence, and the daemon goes on with the work.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Set by commands that wait (their {@code --timeout}); null waits for ever. */
    String timeout;

    /** What is abandoned when the timeout expires (streams being read), closed then. */
    private final List<Closeable> open = new CopyOnWriteArrayList<>();
    /** True once the timeout expired: a worker still running must print nothing more. */
    volatile boolean abandoned;

    /** The work; returns the exit code. */
    abstract ExitCode execute(ApiClient api) throws Exception;

    /** What the command waits for, for the sentence when --timeout expires. */
    String waitingFor() {
        return "the daemon's answer";
    }

    @Override
    public Integer call() throws Exception {
        try {
            ApiClient api = root().client();
            if (timeout == null) {
                return execute(api).code();
            }
            return withTimeout(api).code();
        } catch (ApiClient.Failure f) {
            err().println("maomao: " + f.getMessage());
            err().flush();
            return f.code.code();
        }
    }

    private ExitCode withTimeout(ApiClient api) throws Exception {
        Duration limit;
        try {
            limit = Durations.parse("--timeout", timeout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        FutureTask<ExitCode> work = new FutureTask<>(() -> execute(api));
        Thread t = new Thread(work, "maomao-cli-" + spec.name());
        t.setDaemon(true);
        t.start();
        try {
            return work.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandoned = true;
            for (Closeable c : open) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing is all that is left to do
                }
            }
            work.cancel(true);
            out().flush();
            err().println("maomao: gave up after --timeout " + timeout + " waiting for " + waitingFor()
                    + "; the daemon goes on with it.");
            err().flush();
            return ExitCode.FAILED;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    /** Registers something to close if the timeout expires; returns it. */
    <T extends Closeable> T closeOnTimeout(T c) {
        open.add(c);
        if (abandoned) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already abandoned
            }
        }
        return c;
    }

    /** The {@code maomao} command this one runs under, however deeply nested. */
    GlobalOptions root() {
        CommandLine c = spec.commandLine();
        while (c.getParent() != null) {
            c = c.getParent();
        }
        return (GlobalOptions) c.getCommand();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return root().json;
    }

    /** Prints {@code node} as indented JSON. */
    void printJson(JsonNode node) {
        try {
            out().println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }

    /** Prints a listing: the daemon's JSON with --json, else one table row per element. */
    ExitCode list(JsonNode list, Table table, java.util.function.BiConsumer<Table, JsonNode> row) {
        if (json()) {
            printJson(list);
        } else {
            list.forEach(e -> row.accept(table, e));
            table.print(out());
        }
        return ExitCode.OK;
    }

    /** Prints one object: its JSON with --json, else "field  value" lines. */
    ExitCode show(JsonNode node) {
        if (json()) {
            printJson(node);
            return ExitCode.OK;
        }
        Table t = new Table("FIELD", "VALUE");
        node.fields().forEachRemaining(e -> t.row(e.getKey(), text(node, e.getKey())));
        t.print(out());
        return ExitCode.OK;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "-" : v.isTextual() ? v.asText() : v.toString();
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}

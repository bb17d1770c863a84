package org.maomao.cli;

import java.util.Map;

import org.maomao.config.Settings;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code maomao} command: the daemon, the offline spike detector, and a client of
 * a running daemon. Exit codes: 0 ok, 1 the run or check failed, 2 usage error or
 * refused input, 3 daemon unreachable.
 */
@Command(name = "maomao", mixinStandardHelpOptions = true, version = "maomao 0.1.0",
        description = "Scheduled, collaborative data collection with Docker collectors and git datasets.",
        subcommands = {DaemonCommand.class, DetectCommand.class, RunCommands.Register.class, RunCommands.Run.class,
                ListingCommands.Collectors.class, ListingCommands.Schedules.class, ListingCommands.Runs.class,
                RunCommands.Log.class, RunCommands.Cancel.class, ListingCommands.Spikes.class, ListingCommands.Series.class,
                ListingCommands.Datasets.class, StatusCommands.Status.class, StatusCommands.Doctor.class,
                ManageCommands.Reload.class, ManageCommands.Keys.class, ManageCommands.Metrics.class, ShellCommand.class,
                RescanCommand.class})
public final class MaomaoCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "the daemon (default: MAOMAO_URL, else [daemon] listen of config.ini, else http://127.0.0.1:8080)")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "API token (default: MAOMAO_TOKEN, else [daemon] token of config.ini)")
    String token;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the daemon's JSON instead of tables")
    boolean json;

    /** True inside {@code maomao shell}, which must not start another shell. */
    boolean inShell;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. maomao status");
    }

    /** The client for the chosen daemon. */
    ApiClient client() {
        Map<String, String> env = System.getenv();
        String u = url != null ? url : env.get("MAOMAO_URL");
        String t = token != null ? token : env.get("MAOMAO_TOKEN");
        if (u == null || t == null) {
            // the daemon refuses a bad config.ini with the sentence; the client only needs listen and token
            Settings s = Settings.loadLenient(env);
            if (u == null) {
                String listen = s.get("daemon", "listen").orElse("127.0.0.1:8080");
                String host = listen.substring(0, listen.lastIndexOf(':'));
                if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                    host = "127.0.0.1";
                }
                u = "http://" + host + ":" + listen.substring(listen.lastIndexOf(':') + 1);
            }
            if (t == null) {
                t = s.get("daemon", "token").orElse(null);
            }
        }
        return new ApiClient(u, t);
    }

    public static void main(String[] args) {
        // the daemon closes connections idle for its read_timeout (20 s by default): the shell's
        // client drops idle ones sooner, so no request goes out on a connection being closed
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", "10");
        }
        System.exit(new CommandLine(new MaomaoCli()).execute(args));
    }
}

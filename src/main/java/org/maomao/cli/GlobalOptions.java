package org.maomao.cli;

import java.util.Map;

import org.maomao.config.Settings;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options of the {@code maomao} command that every client command inherits, and the client
 * they choose: shared by the whole command tree ({@link MaomaoCli}) and the tree of one client
 * command ({@link OneCommandCli}).
 */
abstract class GlobalOptions {
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
}

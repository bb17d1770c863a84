package org.maomao.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands that change or show one thing: a collector, a schedule, a dataset;
 * reload and the daemon's ssh key. Each is the CLI twin of one API route.
 */
final class ManageCommands {
    private ManageCommands() {
    }

    /** Prints {@code sentence}, or the daemon's JSON answer with --json. */
    static ExitCode done(ClientCommand c, JsonNode answer, String sentence) {
        if (c.json() && answer != null) {
            c.printJson(answer);
        } else {
            c.out().println(sentence);
            c.out().flush();
        }
        return ExitCode.OK;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one collector: image, dataset, policy.")
    static final class CollectorShow extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        ExitCode execute(ApiClient api) {
            return show(api.get("/collectors/" + enc(name)));
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a collector and its schedules (its datasets stay).")
    static final class CollectorRm extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        ExitCode execute(ApiClient api) {
            api.delete("/collectors/" + enc(name));
            return done(this, null, "removed collector " + name + " and its schedules");
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a schedule: it stops firing until resumed.")
    static final class SchedulePause extends ClientCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        ExitCode execute(ApiClient api) {
            JsonNode s = api.post("/schedules/" + enc(id) + "/pause", null);
            return done(this, s, "paused " + text(s, "id"));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused schedule.")
    static final class ScheduleResume extends ClientCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        ExitCode execute(ApiClient api) {
            JsonNode s = api.post("/schedules/" + enc(id) + "/resume", null);
            return done(this, s, "resumed " + text(s, "id") + ", next at " + text(s, "next_fire_time"));
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a schedule (the collector stays).")
    static final class ScheduleRm extends ClientCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        ExitCode execute(ApiClient api) {
            api.delete("/schedules/" + enc(id));
            return done(this, null, "deleted schedule " + id);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an empty dataset, or clone one from URL (a git remote the daemon allows).")
    static final class DatasetAdd extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", arity = "0..1", paramLabel = "URL")
        String url;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "give up waiting for the clone after this long "
                + "(e.g. 30s, 5m); exit 1")
        void timeout(String t) {
            timeout = t;
        }

        @Override
        String waitingFor() {
            return "dataset " + name + (url == null ? "" : " to be cloned from " + url);
        }

        @Override
        ExitCode execute(ApiClient api) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (url != null) {
                body.put("url", url);
            }
            JsonNode d = api.post("/datasets", body);
            return done(this, d, (url == null ? "created dataset " : "cloned dataset ") + text(d, "name")
                    + (url == null ? "" : " from " + url) + " (branch " + text(d, "branch") + ")");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dataset: branch, head, remote, commits not pushed yet.")
    static final class DatasetShow extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        ExitCode execute(ApiClient api) {
            return show(api.get("/datasets/" + enc(name)));
        }
    }

    @Command(name = "commits", mixinStandardHelpOptions = true, description = "List a dataset's commits, newest first, with the run that made each.")
    static final class DatasetCommits extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--limit", defaultValue = "50", description = "how many, at most 1000 (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        ExitCode execute(ApiClient api) {
            return list(api.get("/datasets/" + enc(name) + "/commits?limit=" + limit),
                    new Table("COMMIT", "TIME", "RUN", "COLLECTOR", "SUBJECT"),
                    (t, c) -> t.row(text(c, "id").substring(0, Math.min(12, text(c, "id").length())), text(c, "time"),
                            text(c, "run_id"), text(c, "collector"), text(c, "subject")));
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true, description = "Read config.ini and the collector files again (as SIGHUP does).")
    static final class Reload extends ClientCommand {
        @Option(names = "--timeout", paramLabel = "DURATION", description = "give up waiting after this long (e.g. 2m); exit 1")
        void timeout(String t) {
            timeout = t;
        }

        @Override
        String waitingFor() {
            return "the reload";
        }

        @Override
        ExitCode execute(ApiClient api) {
            JsonNode r = api.post("/reload", null);
            return done(this, r, "reloaded: declared " + text(r, "declared") + ", removed " + text(r, "removed"));
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "Print the daemon's public ssh key, to allow it to push to dataset remotes.")
    static final class Keys extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            out().print(api.text("/keys/ssh"));
            out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one schedule: frequency, next fire, paused.")
    static final class ScheduleShow extends ClientCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        ExitCode execute(ApiClient api) {
            return show(api.get("/schedules/" + enc(id)));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one run and its events.")
    static final class RunShow extends ClientCommand {
        @Parameters(paramLabel = "RUN")
        String run;

        @Override
        ExitCode execute(ApiClient api) {
            JsonNode r = api.get("/runs/" + enc(run));
            JsonNode events = api.get("/runs/" + enc(run) + "/events");
            if (json()) {
                var node = ApiClient.JSON.createObjectNode();
                node.set("run", r);
                node.set("events", events);
                printJson(node);
                return ExitCode.OK;
            }
            show(r);
            out().println();
            Table t = new Table("SEQ", "AT", "EVENT", "PAYLOAD");
            events.forEach(e -> t.row(text(e, "seq"), text(e, "at"), text(e, "type"), text(e, "payload")));
            t.print(out());
            out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true, description = "Print the daemon's Prometheus metrics.")
    static final class Metrics extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            out().print(api.text("/metrics"));
            out().flush();
            return ExitCode.OK;
        }
    }
}

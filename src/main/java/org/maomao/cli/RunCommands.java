package org.maomao.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.maomao.collector.ControlLine;
import org.maomao.docker.DockerClients;
import org.maomao.docker.DockerEngine;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Commands that register, run, follow and cancel. */
final class RunCommands {
    private RunCommands() {
    }

    @Command(name = "register", mixinStandardHelpOptions = true, description = "Register (or update) a collector.")
    static final class Register extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "IMAGE")
        String image;
        @Option(names = "--build", paramLabel = "DIR", description = "build IMAGE from the Dockerfile in DIR first")
        Path build;
        @Option(names = "--dataset", paramLabel = "D", description = "default dataset of its runs")
        String dataset;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "give up waiting for the build and the "
                + "registration after this long (e.g. 10m); exit 1")
        void timeout(String t) {
            timeout = t;
        }

        /** Fields of the body that have options of their own. */
        private static final java.util.Set<String> OWN_FIELDS = java.util.Set.of("name", "url", "image", "dataset", "env", "spike");

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting of the collector, repeatable: a run "
                + "setting (timeout=10m, retries=2, memory=256m, ...), env.NAME=VALUE for its environment or "
                + "spike.KEY=VALUE for its spike detector (spike.season=daily). A registration replaces every "
                + "setting: give them all again when you update")
        java.util.List<String> settings = new java.util.ArrayList<>();

        /**
         * The {@code --set} settings as the registration body carries them ({@code spike.lag=2d} as
         * {@code "spike":{"lag":"2d"}}), or null (after saying why) when one is not KEY=VALUE. The daemon
         * judges the keys and values, as for any client.
         */
        private Map<String, Object> settingsBody() {
            Map<String, Object> body = new LinkedHashMap<>();
            for (String s : settings) {
                int eq = s.indexOf('=');
                String key = eq < 0 ? "" : s.substring(0, eq).strip();
                if (key.isEmpty()) {
                    err().println("maomao: --set " + s + " is not KEY=VALUE (e.g. --set retries=2 or --set spike.season=daily)");
                    return null;
                }
                String value = s.substring(eq + 1);
                int dot = key.indexOf('.');
                String group = dot < 0 ? null : key.substring(0, dot);
                if ("env".equals(group) || "spike".equals(group)) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> inner = (Map<String, Object>) body.computeIfAbsent(group, g -> new LinkedHashMap<>());
                    inner.put(key.substring(dot + 1), value);
                } else if (OWN_FIELDS.contains(key)) {
                    err().println("maomao: --set " + key + " is not a setting: give the name and image as arguments"
                            + " and the dataset with --dataset");
                    return null;
                } else {
                    body.put(key, value);
                }
            }
            return body;
        }

        @Override
        String waitingFor() {
            return build == null ? "collector " + name + " to be registered" : "image " + image + " to be built from " + build;
        }

        @Override
        ExitCode execute(ApiClient api) throws Exception {
            Map<String, Object> given = settingsBody();
            if (given == null) {
                return ExitCode.USAGE;
            }
            if (build != null) {
                if (!Files.isRegularFile(build.resolve("Dockerfile"))) {
                    err().println("maomao: no Dockerfile in " + build);
                    return ExitCode.USAGE;
                }
                try (DockerEngine docker = DockerEngine.connect(
                        System.getenv().getOrDefault("DOCKER_HOST", DockerClients.DEFAULT_HOST))) {
                    err().println("building " + image + " from " + build + " ...");
                    err().flush();
                    docker.images().build(build, image);
                } catch (RuntimeException e) {
                    err().println("maomao: cannot build " + image + ": " + e.getMessage());
                    return ExitCode.FAILED;
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("url", image);
            if (dataset != null) {
                body.put("dataset", dataset);
            }
            body.putAll(given);
            JsonNode c = api.post("/register", body);
            if (json()) {
                printJson(c);
            } else {
                out().println("registered " + text(c, "name") + " (" + text(c, "image") + ", dataset " + text(c, "dataset") + ")");
                out().flush();
            }
            return ExitCode.OK;
        }
    }

    /** The schedule flags of {@code run}: at most one. */
    static final class When {
        @Option(names = "--hourly", description = "run every hour")
        boolean hourly;
        @Option(names = "--daily", description = "run every day (at a stable time of its own)")
        boolean daily;
        @Option(names = "--weekly", description = "run every week")
        boolean weekly;
        @Option(names = "--cron", paramLabel = "EXPR", description = "crontab line (H allowed) or Quartz cron")
        String cron;

        String frequency() {
            return hourly ? "hourly" : daily ? "daily" : weekly ? "weekly" : cron;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a collector now, or schedule it with --daily, --weekly, --hourly or --cron.")
    static final class Run extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--dataset", paramLabel = "D", description = "dataset to write to (default: the collector's)")
        String dataset;
        @ArgGroup(exclusive = true, multiplicity = "0..1")
        When when;
        @Option(names = "--wait", description = "stream the log with a progress bar; exit 0 if the run succeeds, else 1")
        boolean await;
        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "with --wait: give up waiting after this long (e.g. 30s, 10m); exit 1, the run goes on")
        void timeout(String t) {
            timeout = t;
        }

        /** The run being waited for, once started. */
        volatile String started;

        @Override
        String waitingFor() {
            return started == null ? "collector " + name + " to start" : "run " + started
                    + " (follow it with `maomao log -f " + started + "`)";
        }

        @Override
        ExitCode execute(ApiClient api) throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (dataset != null) {
                body.put("dataset", dataset);
            }
            body.put("cron", when != null);
            if (when != null) {
                body.put("frequency", when.frequency());
                JsonNode s = api.post("/run", body);
                if (json()) {
                    printJson(s);
                } else {
                    out().println("scheduled " + text(s, "id") + " " + text(s, "frequency") + ", next at "
                            + text(s, "next_fire_time"));
                    out().flush();
                }
                return ExitCode.OK;
            }
            JsonNode r = api.post("/run", body);
            String id = r.get("id").asText();
            started = id;
            if (!await) {
                if (json()) {
                    printJson(r);
                } else {
                    out().println(id);
                    out().flush();
                }
                return ExitCode.OK;
            }
            Follow.follow(this, api, id, out(), err());
            JsonNode done = api.get("/runs/" + id + "?wait=60s");
            while (!isFinal(done.get("state").asText()) && !abandoned) {
                done = api.get("/runs/" + id + "?wait=60s");
            }
            if (json()) {
                printJson(done);
            } else {
                err().println("run " + id + " " + text(done, "state")
                        + (done.get("message").isNull() ? "" : ": " + done.get("message").asText()));
                err().flush();
            }
            return "succeeded".equals(done.get("state").asText()) ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    static boolean isFinal(String state) {
        return switch (state) {
            case "succeeded", "failed", "timed_out", "cancelled", "skipped" -> true;
            default -> false;
        };
    }

    @Command(name = "log", mixinStandardHelpOptions = true, description = "Print a run's log; -f follows it while the run goes on.")
    static final class Log extends ClientCommand {
        @Parameters(paramLabel = "RUN")
        String run;
        @Option(names = {"-f", "--follow"}, description = "keep printing until the run ends")
        boolean follow;
        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "with -f: stop following after this long (e.g. 30s, 10m); exit 1, the run goes on")
        void timeout(String t) {
            timeout = t;
        }

        @Override
        String waitingFor() {
            return "run " + run + " to end";
        }

        @Override
        ExitCode execute(ApiClient api) throws Exception {
            if (follow) {
                Follow.follow(this, api, run, out(), null);
            } else {
                out().print(TerminalText.safe(api.text("/runs/" + enc(run) + "/log")));
                out().flush();
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a queued or running run.")
    static final class Cancel extends ClientCommand {
        @Parameters(paramLabel = "RUN")
        String run;

        @Override
        ExitCode execute(ApiClient api) {
            JsonNode r = api.post("/runs/" + enc(run) + "/cancel", null);
            out().println("run " + text(r, "id") + " " + text(r, "state"));
            out().flush();
            return ExitCode.OK;
        }
    }

    /** Streams a run's log; {@code ::progress} lines drive a progress bar on {@code bar} (if given). */
    static final class Follow {
        private Follow() {
        }

        static void follow(ClientCommand cmd, ApiClient api, String runId, java.io.PrintWriter out, java.io.PrintWriter bar)
                throws Exception {
            try (InputStream in = cmd.closeOnTimeout(api.stream("/runs/" + ClientCommand.enc(runId) + "/log?follow=true"));
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                boolean drawn = false;
                while ((line = r.readLine()) != null && !cmd.abandoned) {
                    Integer p = ControlLine.progress(line);
                    if (p != null && bar != null) {
                        int filled = p / 5;
                        bar.print("\r[" + "#".repeat(filled) + " ".repeat(20 - filled) + "] " + p + "%");
                        bar.flush();
                        drawn = true;
                        continue;
                    }
                    if (drawn) {
                        bar.println();
                        drawn = false;
                    }
                    out.println(TerminalText.safe(line));
                    out.flush();
                }
                if (drawn) {
                    bar.println();
                    bar.flush();
                }
            }
        }
    }
}

package org.maomao.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

/** {@code status} and {@code doctor}: how the daemon and its components are. */
final class StatusCommands {
    private StatusCommands() {
    }

    /** What to do about a component that is down. */
    static final Map<String, String> FIXES = Map.of(
            "docker", "start the Docker engine (systemctl start docker), check [docker] host, and that the daemon's "
                    + "user may use the socket (group docker)",
            "store", "check [store] url, user and password; for the embedded store, that data_dir/db is writable",
            "git", "make data_dir/datasets writable by the daemon's user",
            "etcd", "check [etcd] endpoints and `etcdctl --endpoints <url> endpoint health`",
            "cluster", "this member cannot renew its etcd lease, so the other members stop counting on it after "
                    + "[cluster] lease_ttl: check etcd as above; it joins again by itself once etcd answers");

    static JsonNode health(ApiClient api) {
        ApiClient.Response r = api.raw("/health");
        try {
            return ApiClient.JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new ApiClient.Failure(ExitCode.FAILED, "the daemon's /health answer is not JSON");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Components up or down, and each collector's last run and next fire.")
    static final class Status extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            JsonNode health = health(api);
            JsonNode collectors = api.get("/collectors");
            JsonNode schedules = api.get("/schedules");
            Map<String, String> next = new HashMap<>();
            schedules.forEach(s -> next.merge(s.get("collector").asText(), text(s, "next_fire_time"),
                    (a, b) -> a.compareTo(b) <= 0 ? a : b));
            if (json()) {
                var node = ApiClient.JSON.createObjectNode();
                node.set("health", health);
                node.set("collectors", collectors);
                node.set("schedules", schedules);
                printJson(node);
                return ExitCode.OK;
            }
            Table c = new Table("COMPONENT", "STATE");
            health.get("components").fields().forEachRemaining(e -> c.row(e.getKey(), e.getValue().asText()));
            c.print(out());
            out().println();
            if (health.path("late").size() > 0) {
                Table l = new Table("LATE SCHEDULE", "DUE");
                health.get("late").forEach(s -> l.row(s.get("schedule").asText(), text(s, "due")));
                l.print(out());
                out().println();
            }
            Table t = new Table("COLLECTOR", "LAST RUN", "STATE", "NEXT FIRE", "FAILING");
            for (JsonNode col : collectors) {
                String name = col.get("name").asText();
                JsonNode last = api.get("/runs?limit=1&collector=" + enc(name));
                JsonNode r = last.size() > 0 ? last.get(0) : null;
                t.row(name, r == null ? "-" : text(r, "created_at"), r == null ? "-" : text(r, "state"),
                        next.getOrDefault(name, "-"), failing(api, name));
            }
            t.print(out());
            return ExitCode.OK;
        }
    }

    /** "into DATASET: N runs in a row" for each dataset the collector fails into, or "-". */
    static String failing(ApiClient api, String collector) {
        JsonNode f = api.get("/collectors/" + ClientCommand.enc(collector)).path("failing");
        List<String> parts = new ArrayList<>();
        f.fields().forEachRemaining(e -> parts.add("into " + e.getKey() + ": " + e.getValue().asInt() + " failed in a row"));
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    @Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check the daemon and each component; say how to fix what is wrong.")
    static final class Doctor extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            JsonNode health;
            try {
                health = health(api);
            } catch (ApiClient.Failure f) {
                out().println("FAIL  daemon   " + f.getMessage());
                out().println("      fix: start it (./maomao up, or systemctl start maomao) and check --url / MAOMAO_URL");
                out().flush();
                return f.code;
            }
            out().println("ok    daemon   answers at " + api.base());
            boolean allOk = true;
            for (var it = health.get("components").fields(); it.hasNext(); ) {
                var e = it.next();
                String state = e.getValue().asText();
                boolean ok = !"down".equals(state);
                allOk &= ok;
                out().printf("%-5s %-8s %s%n", ok ? "ok" : "FAIL", e.getKey(), state);
                if (!ok) {
                    out().println("      fix: " + FIXES.getOrDefault(e.getKey(), "see the daemon's log"));
                }
            }
            // collection itself: schedules that stopped firing, collectors whose runs keep failing
            for (JsonNode s : health.path("late")) {
                allOk = false;
                out().printf("%-5s %-8s %s %s%n", "FAIL", "schedule", s.get("schedule").asText(),
                        "is late: due at " + text(s, "due") + " and has not fired");
                out().println("      fix: read the daemon's log for scheduler errors and check the [store]; then remove "
                        + "the schedule (maomao schedules rm " + s.get("schedule").asText() + ") and schedule it again");
            }
            for (JsonNode col : api.get("/collectors")) {
                String name = col.get("name").asText();
                String failing = failing(api, name);
                if (!"-".equals(failing)) {
                    allOk = false;
                    out().printf("%-5s %-8s %s %s%n", "FAIL", "collect", name, failing);
                    out().println("      fix: read its last log (maomao log <run id>, maomao runs --collector " + name
                            + "), then fix the collector or its source; the next success clears this");
                }
            }
            out().flush();
            return allOk ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}

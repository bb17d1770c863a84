package org.maomao.cli;

import java.util.HashMap;
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
            "etcd", "check [etcd] endpoints and `etcdctl --endpoints <url> endpoint health`");

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
            Table t = new Table("COLLECTOR", "LAST RUN", "STATE", "NEXT FIRE");
            for (JsonNode col : collectors) {
                String name = col.get("name").asText();
                JsonNode last = api.get("/runs?limit=1&collector=" + enc(name));
                JsonNode r = last.size() > 0 ? last.get(0) : null;
                t.row(name, r == null ? "-" : text(r, "created_at"), r == null ? "-" : text(r, "state"),
                        next.getOrDefault(name, "-"));
            }
            t.print(out());
            return ExitCode.OK;
        }
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
            out().flush();
            return allOk ? ExitCode.OK : ExitCode.FAILED;
        }
    }
}

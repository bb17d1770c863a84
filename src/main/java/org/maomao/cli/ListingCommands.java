package org.maomao.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The listing commands: each prints a table, or the daemon's JSON with --json. */
final class ListingCommands {
    private ListingCommands() {
    }

    @Command(name = "collectors", description = "List registered collectors.")
    static final class Collectors extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            return list(api.get("/collectors"), new Table("NAME", "IMAGE", "DATASET", "SOURCE"),
                    (t, c) -> t.row(text(c, "name"), text(c, "image"), text(c, "dataset"), text(c, "source")));
        }
    }

    @Command(name = "schedules", description = "List schedules with their next fire time.")
    static final class Schedules extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            return list(api.get("/schedules"), new Table("ID", "FREQUENCY", "TIMEZONE", "NEXT", "PAUSED"),
                    (t, s) -> t.row(text(s, "id"), text(s, "frequency"), text(s, "timezone"), text(s, "next_fire_time"),
                            text(s, "paused")));
        }
    }

    @Command(name = "runs", description = "List runs, newest first.")
    static final class Runs extends ClientCommand {
        @Option(names = "--collector", description = "only this collector")
        String collector;
        @Option(names = "--state", description = "only runs in this state")
        String state;
        @Option(names = "--limit", defaultValue = "20", description = "how many (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        ExitCode execute(ApiClient api) {
            StringBuilder q = new StringBuilder("/runs?limit=" + limit);
            if (collector != null) {
                q.append("&collector=").append(enc(collector));
            }
            if (state != null) {
                q.append("&state=").append(enc(state));
            }
            return list(api.get(q.toString()), new Table("ID", "COLLECTOR", "DATASET", "STATE", "ATTEMPT", "CREATED", "MESSAGE"),
                    (t, r) -> t.row(text(r, "id"), text(r, "collector"), text(r, "dataset"), text(r, "state"),
                            text(r, "attempt") + "/" + text(r, "max_attempts"), text(r, "created_at"), text(r, "message")));
        }
    }

    @Command(name = "spikes", description = "List spikes, newest first.")
    static final class Spikes extends ClientCommand {
        @Option(names = "--collector", description = "only this collector")
        String collector;
        @Option(names = "--limit", defaultValue = "100", description = "how many, at most 1000 (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        ExitCode execute(ApiClient api) {
            return list(api.get("/spikes?limit=" + limit + (collector == null ? "" : "&collector=" + enc(collector))),
                    new Table("SERIES", "DATASET", "TIMESTAMP", "VALUE", "Z", "DIRECTION"),
                    (t, s) -> t.row(text(s, "series"), text(s, "dataset"), text(s, "timestamp"), text(s, "value"),
                            String.format("%.2f", s.get("z").asDouble()), text(s, "direction")));
        }
    }

    @Command(name = "series", description = "List series with their last value, in id order.")
    static final class Series extends ClientCommand {
        /** Series per request: the daemon's largest page. */
        static final int PAGE = 1000;

        @Option(names = "--limit", defaultValue = "100", description = "how many (default ${DEFAULT-VALUE}); "
                + "more than a page are fetched page by page")
        int limit;

        @Override
        ExitCode execute(ApiClient api) {
            if (limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1.");
            }
            // follow the daemon's next links: it never sends all series at once
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            String next = "/series?limit=" + Math.min(limit, PAGE);
            while (next != null && all.size() < limit) {
                JsonNode page = api.get(next);
                for (JsonNode s : page.get("series")) {
                    if (all.size() < limit) {
                        all.add(s);
                    }
                }
                JsonNode n = page.get("next");
                next = n == null || n.isNull() ? null : n.asText().replaceFirst("limit=\\d+", "limit=" + Math.min(limit - all.size(), PAGE));
            }
            return list(all, new Table("ID", "POINTS", "LAST TIMESTAMP", "LAST VALUE"),
                    (t, s) -> t.row(text(s, "id"), text(s, "points"), text(s, "last_timestamp"), text(s, "last_value")));
        }
    }

    @Command(name = "datasets", description = "List datasets with remote and push state.")
    static final class Datasets extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            return list(api.get("/datasets"), new Table("NAME", "BRANCH", "HEAD", "AHEAD", "REMOTE"),
                    (t, d) -> t.row(text(d, "name"), text(d, "branch"),
                            d.get("head").isNull() ? "-" : d.get("head").asText().substring(0, 12), text(d, "ahead_by"),
                            text(d, "remote")));
        }
    }
}

package org.maomao.cli;

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

        @Override
        ExitCode execute(ApiClient api) {
            return list(api.get("/spikes" + (collector == null ? "" : "?collector=" + enc(collector))),
                    new Table("SERIES", "DATASET", "TIMESTAMP", "VALUE", "Z", "DIRECTION"),
                    (t, s) -> t.row(text(s, "series"), text(s, "dataset"), text(s, "timestamp"), text(s, "value"),
                            String.format("%.2f", s.get("z").asDouble()), text(s, "direction")));
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

package org.maomao.cli;

import org.maomao.units.Elapsed;

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

    @Command(name = "collectors", mixinStandardHelpOptions = true, aliases = "list", description = "List registered collectors; show or rm one.",
            subcommands = {ManageCommands.CollectorShow.class, ManageCommands.CollectorRm.class})
    static final class Collectors extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            return list(api.get("/collectors"), new Table("NAME", "IMAGE", "DATASET", "SOURCE"),
                    (t, c) -> t.row(text(c, "name"), text(c, "image"), text(c, "dataset"), text(c, "source")));
        }
    }

    @Command(name = "schedules", mixinStandardHelpOptions = true, description = "List schedules with their next fire time; pause, resume or rm one.",
            subcommands = {ManageCommands.SchedulePause.class, ManageCommands.ScheduleResume.class,
                    ManageCommands.ScheduleRm.class, ManageCommands.ScheduleShow.class})
    static final class Schedules extends ClientCommand {
        @Override
        ExitCode execute(ApiClient api) {
            return list(api.get("/schedules"), new Table("ID", "FREQUENCY", "TIMEZONE", "NEXT", "PAUSED"),
                    (t, s) -> t.row(text(s, "id"), text(s, "frequency"), text(s, "timezone"), text(s, "next_fire_time"),
                            text(s, "paused")));
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs, newest first; show one with its events.",
            subcommands = ManageCommands.RunShow.class)
    static final class Runs extends ClientCommand {
        @Option(names = "--collector", description = "only this collector")
        String collector;
        @Option(names = "--state", description = "only runs in this state")
        String state;
        @Option(names = "--limit", defaultValue = "20", description = "how many (default ${DEFAULT-VALUE})")
        int limit;
        @Option(names = "--before", paramLabel = "TIME", description = "only runs created before TIME (ISO-8601), for paging")
        String before;

        @Override
        ExitCode execute(ApiClient api) {
            StringBuilder q = new StringBuilder("/runs?limit=" + limit);
            if (before != null) {
                q.append("&before=").append(enc(before));
            }
            if (collector != null) {
                q.append("&collector=").append(enc(collector));
            }
            if (state != null) {
                q.append("&state=").append(enc(state));
            }
            return list(api.get(q.toString()), new Table("ID", "COLLECTOR", "DATASET", "STATE", "ATTEMPT", "MEMBER",
                            "CREATED", "DURATION", "MESSAGE"),
                    (t, r) -> t.row(text(r, "id"), text(r, "collector"), text(r, "dataset"), text(r, "state"),
                            text(r, "attempt") + "/" + text(r, "max_attempts"), text(r, "member"), text(r, "created_at"),
                            Elapsed.format(r.path("duration_s").isNumber() ? r.get("duration_s").asDouble() : null),
                            text(r, "message")));
        }
    }

    @Command(name = "spikes", mixinStandardHelpOptions = true, description = "List spikes, newest first.")
    static final class Spikes extends ClientCommand {
        @Option(names = "--collector", description = "only this collector")
        String collector;
        @Option(names = "--series", paramLabel = "NAME",
                description = "only this series (<collector>/<file>#<column>, the id without its dataset)")
        String series;
        @Option(names = "--since", paramLabel = "TIME", description = "only spikes at or after TIME (ISO-8601)")
        String since;
        @Option(names = "--limit", defaultValue = "100", description = "how many, at most 1000 (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        ExitCode execute(ApiClient api) {
            StringBuilder q = new StringBuilder("/spikes?limit=" + limit);
            if (collector != null) {
                q.append("&collector=").append(enc(collector));
            }
            if (series != null) {
                q.append("&series=").append(enc(series));
            }
            if (since != null) {
                q.append("&since=").append(enc(since));
            }
            return list(api.get(q.toString()),
                    new Table("SERIES", "DATASET", "TIMESTAMP", "VALUE", "Z", "DIRECTION"),
                    (t, s) -> t.row(text(s, "series"), text(s, "dataset"), text(s, "timestamp"), text(s, "value"),
                            String.format("%.2f", s.get("z").asDouble()), text(s, "direction")));
        }
    }

    @Command(name = "series", mixinStandardHelpOptions = true, description = "List series with their last value, in id order; with an ID, its latest "
            + "points and spikes.")
    static final class Series extends ClientCommand {
        /** Series per request: the daemon's largest page. */
        static final int PAGE = 1000;

        @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "ID",
                description = "one series, <dataset>/<collector>/<file>#<column>, as the listing shows it")
        String id;
        @Option(names = "--dataset", paramLabel = "D", description = "only the series of this dataset")
        String dataset;
        @Option(names = "--collector", paramLabel = "NAME", description = "only the series this collector writes")
        String collector;
        @Option(names = "--after", paramLabel = "ID", description = "start after this series id (paging)")
        String after;
        @Option(names = "--limit", defaultValue = "100", description = "how many series, or points with an ID (default "
                + "${DEFAULT-VALUE}); more than a page are fetched page by page")
        int limit;

        @Override
        ExitCode execute(ApiClient api) {
            if (limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1.");
            }
            if (id != null) {
                return detail(api);
            }
            // series are sorted by dataset, then collector/file#column: with --dataset the walk starts at
            // the prefix and stops past it; --collector alone has to look at every page
            String prefix = dataset == null ? null : dataset + "/" + (collector == null ? "" : collector + "/");
            String start = after != null ? after : prefix;
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            String next = "/series?limit=" + Math.min(limit, PAGE) + (start == null ? "" : "&after=" + enc(start));
            while (next != null && all.size() < limit) {
                JsonNode page = api.get(next);
                for (JsonNode s : page.get("series")) {
                    String sid = s.get("id").asText();
                    if (prefix != null && !sid.startsWith(prefix)) {
                        if (sid.compareTo(prefix) > 0) {
                            next = null;
                            break;
                        }
                        continue;
                    }
                    if (collector != null && !s.get("series").asText().startsWith(collector + "/")) {
                        continue;
                    }
                    if (all.size() < limit) {
                        all.add(s);
                    }
                }
                if (next == null) {
                    break;
                }
                JsonNode n = page.get("next");
                next = n == null || n.isNull() ? null : n.asText().replaceFirst("limit=\\d+", "limit=" + PAGE);
            }
            return list(all, new Table("ID", "POINTS", "LAST TIMESTAMP", "LAST VALUE"),
                    (t, s) -> t.row(text(s, "id"), text(s, "points"), text(s, "last_timestamp"), text(s, "last_value")));
        }

        private ExitCode detail(ApiClient api) {
            JsonNode s = api.get("/series/" + RescanCommand.path(id) + "?limit=" + limit);
            if (json()) {
                printJson(s);
                return ExitCode.OK;
            }
            out().println(text(s, "id") + ": " + text(s, "point_count") + " points, last " + text(s, "last_value") + " at "
                    + text(s, "last_timestamp") + "; the last " + s.get("points").size() + ":");
            Table points = new Table("TIMESTAMP", "VALUE");
            s.get("points").forEach(p -> points.row(p.get(0).asText(), p.get(1).asText()));
            points.print(out());
            if (s.get("spikes").size() > 0) {
                out().println();
                Table spikes = new Table("SPIKE AT", "VALUE", "Z", "DIRECTION");
                s.get("spikes").forEach(k -> spikes.row(text(k, "timestamp"), text(k, "value"),
                        String.format("%.2f", k.get("z").asDouble()), text(k, "direction")));
                spikes.print(out());
            }
            out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "datasets", mixinStandardHelpOptions = true, description = "List datasets with remote and push state; add, show or list commits of one.",
            subcommands = {ManageCommands.DatasetAdd.class, ManageCommands.DatasetShow.class,
                    ManageCommands.DatasetCommits.class})
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

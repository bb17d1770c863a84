package org.maomao.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code maomao rescan SERIES}: recomputes a series' spikes over its whole history with the current settings. */
@Command(name = "rescan", description = "Recompute a series' spikes over its stored history with its collector's current "
        + "spike settings (replaces its spikes; notifies nothing). SERIES is <dataset>/<collector>/<file>#<column>.")
final class RescanCommand extends ClientCommand {
    @Parameters(paramLabel = "SERIES", description = "<dataset>/<collector>/<file>#<column>, as `maomao series` lists them")
    String series;

    @Override
    ExitCode execute(ApiClient api) {
        JsonNode r = api.post("/series/" + path(series) + "/rescan", null);
        if (json()) {
            printJson(r);
        } else {
            out().println(text(r, "id") + ": " + text(r, "spikes") + " spikes in " + text(r, "points") + " points"
                    + (r.path("skipped").asLong() > 0 ? " (" + text(r, "skipped") + " rows skipped: not numbers)" : ""));
            out().flush();
        }
        return ExitCode.OK;
    }

    /** The id as a URL path: each segment encoded ('#' as %23), the slashes kept, as the API routes it. */
    static String path(String id) {
        return Arrays.stream(id.split("/", -1))
                .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}

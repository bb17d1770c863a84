package org.maomao.http;

import java.util.Optional;

import org.maomao.collector.Names;

/**
 * A series as the API names it: {@code <dataset>/<collector>/<file>#<column>} ('#' sent as %23).
 * {@code name} is the series' name in its dataset ({@code <collector>/<file>#<column>}), the key of
 * the series store; {@code file} is the data file in the dataset, {@code column} its column.
 */
record SeriesId(String dataset, String name, String file, String column) {

    /** The id's parts, or empty when it cannot name a series (then the answer is 404). */
    static Optional<SeriesId> parse(String id) {
        int slash = id.indexOf('/');
        int hash = id.lastIndexOf('#');
        if (slash <= 0 || hash <= slash) {
            return Optional.empty();
        }
        String dataset = id.substring(0, slash);
        String name = id.substring(slash + 1);
        if (!Names.isSeriesDataset(dataset) || name.indexOf('/') <= 0) {
            return Optional.empty();
        }
        int h = name.lastIndexOf('#');
        return Optional.of(new SeriesId(dataset, name, name.substring(0, h), name.substring(h + 1)));
    }

    /** The 404 for an id that names no series. */
    static ApiException unknown(String id) {
        return ApiException.notFound("series \"" + id + "\" does not exist; GET /series lists them (write # as %23).");
    }
}

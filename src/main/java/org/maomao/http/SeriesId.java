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

    /**
     * The id's parts when its column may hold '#' too (a JSONL key {@code a#b}): the first split at a '#'
     * whose file part is one of the dataset's data files ({@code isDataFile}, given the file's path in
     * the dataset), else the split at the last '#'.
     */
    static Optional<SeriesId> parse(String id, java.util.function.Predicate<String> isDataFile) {
        Optional<SeriesId> last = parse(id);
        if (last.isEmpty()) {
            return last;
        }
        String name = last.get().name();
        for (int h = name.indexOf('#'); h >= 0 && h < name.lastIndexOf('#'); h = name.indexOf('#', h + 1)) {
            String file = name.substring(0, h);
            if (file.indexOf('/') > 0 && isDataFile.test(file)) {
                return Optional.of(new SeriesId(last.get().dataset(), name, file, name.substring(h + 1)));
            }
        }
        return last;
    }

    /**
     * The id's parts, its column split off at the first '#' whose file part is a regular data file of
     * the dataset in {@code datasets} (real folders only, no links), else at the last '#'.
     */
    static Optional<SeriesId> parse(String id, org.maomao.dataset.GitDatasets datasets) {
        return parse(id, file -> isRegularDataFile(datasets, id.substring(0, id.indexOf('/')), file));
    }

    /** Whether {@code file} (a path in {@code dataset}) is a regular data file of it, reached through real folders only. */
    static boolean isRegularDataFile(org.maomao.dataset.GitDatasets datasets, String dataset, String file) {
        java.nio.file.Path path = datasets.datasetDir(dataset).resolve(file).normalize();
        return datasets.isDataFile(dataset, path)
                && java.nio.file.Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The URL path of a series, {@code /series/<dataset>/<name>}, each character outside letters, digits,
     * {@code -._~} and the path's '/' percent-encoded as UTF-8 (so '#', '%', spaces, quotes and line
     * breaks in a collector's column names cannot break it).
     */
    static String url(String dataset, String name) {
        StringBuilder out = new StringBuilder("/series/");
        for (byte b : (dataset + "/" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The 404 for an id that names no series. */
    static ApiException unknown(String id) {
        return ApiException.notFound("series \"" + id + "\" does not exist; GET /series lists them (write # as %23).");
    }
}

package org.maomao.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.maomao.collector.Names;
import org.maomao.spike.SeriesStore;

/** The pages of {@code GET /series}: their size, where one starts, and the link to the next one. */
final class SeriesPaging {
    /** Series per page unless {@code ?limit=} says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    /** The largest {@code ?limit=}. */
    static final int MAX_LIMIT = 1000;

    /** Where a page starts: after this series (in id order); null fields for the first page. */
    record After(String dataset, String name) {
        static final After FIRST = new After(null, null);
    }

    private SeriesPaging() {
    }

    /** {@code ?after=} (the id of the last series of the previous page), refused when it is no series id. */
    static After after(String after) {
        if (after == null || after.isEmpty()) {
            return After.FIRST;
        }
        int slash = after.indexOf('/');
        if (slash <= 0 || !Names.isSeriesDataset(after.substring(0, slash)) || after.length() > 1024) {
            throw ApiException.badRequest("query parameter after=\"" + after + "\" is not a series id: give the id of the "
                    + "last series of the previous page (<dataset>/<collector>/<file>#<column>), as the next link does.");
        }
        return new After(after.substring(0, slash), after.substring(slash + 1));
    }

    /** The URL of the page after the one ending with {@code last}; {@code only}: the dataset filter, if any. */
    static String next(SeriesStore.SeriesRecord last, int limit, String only) {
        return "/series?limit=" + limit + (only == null ? "" : "&dataset=" + URLEncoder.encode(only, StandardCharsets.UTF_8))
                + "&after=" + URLEncoder.encode(last.dataset() + "/" + last.name(), StandardCharsets.UTF_8);
    }

    /**
     * Up to {@code n} series after {@code after}, in id order: those of dataset {@code only}, or
     * (null) of every dataset but the runs' own ({@link Names#RUNS_DATASET}, listed only when asked
     * for). Reads the store a page at a time, past the series it leaves out.
     */
    static List<SeriesStore.SeriesRecord> collect(SeriesStore store, String only, After after, int n) {
        String dataset = after.dataset();
        String name = after.name();
        if (only != null && dataset == null) {
            dataset = only;
            name = "";
        }
        List<SeriesStore.SeriesRecord> out = new ArrayList<>();
        boolean seen = false;
        while (out.size() < n) {
            List<SeriesStore.SeriesRecord> got = store.page(dataset, name, n);
            for (SeriesStore.SeriesRecord r : got) {
                boolean wanted = only == null ? !Names.RUNS_DATASET.equals(r.dataset()) : only.equals(r.dataset());
                if (only != null && seen && !wanted) {
                    return out; // past the dataset asked for: its series are contiguous in id order
                }
                seen |= wanted;
                if (wanted && out.size() < n) {
                    out.add(r);
                }
            }
            if (got.size() < n) {
                return out;
            }
            dataset = got.get(got.size() - 1).dataset();
            name = got.get(got.size() - 1).name();
        }
        return out;
    }
}

package org.maomao.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

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
        if (slash <= 0 || !Names.isValid(after.substring(0, slash)) || after.length() > 1024) {
            throw ApiException.badRequest("query parameter after=\"" + after + "\" is not a series id: give the id of the "
                    + "last series of the previous page (<dataset>/<collector>/<file>#<column>), as the next link does.");
        }
        return new After(after.substring(0, slash), after.substring(slash + 1));
    }

    /** The URL of the page after the one ending with {@code last}. */
    static String next(SeriesStore.SeriesRecord last, int limit) {
        return "/series?limit=" + limit + "&after=" + URLEncoder.encode(last.dataset() + "/" + last.name(), StandardCharsets.UTF_8);
    }
}

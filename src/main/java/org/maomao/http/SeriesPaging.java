package org.maomao.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.maomao.spike.SeriesStore;

/** The pages of {@code GET /series}: their size and the link to the next one. */
final class SeriesPaging {
    /** Series per page unless {@code ?limit=} says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    /** The largest {@code ?limit=}. */
    static final int MAX_LIMIT = 1000;

    private SeriesPaging() {
    }

    /** The URL of the page after the one ending with {@code last}. */
    static String next(SeriesStore.SeriesRecord last, int limit) {
        return "/series?limit=" + limit + "&after=" + URLEncoder.encode(last.dataset() + "/" + last.name(), StandardCharsets.UTF_8);
    }
}

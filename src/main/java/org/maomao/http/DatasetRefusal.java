package org.maomao.http;

import java.util.function.Function;

/** Refuses a request that would send runs into a dataset they cannot go into (cluster mode: no remote). */
final class DatasetRefusal {
    private DatasetRefusal() {
    }

    static void check(Function<String, String> refusal, String dataset) {
        String why = refusal.apply(dataset);
        if (why != null) {
            throw new ApiException(400, "dataset_needs_remote", why);
        }
    }
}

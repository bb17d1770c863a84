package org.maomao.run;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collection itself went wrong, or came back: a collector's runs into a dataset failed
 * {@code failures} times in a row ({@link Kind#FAILING}), or the first run after such a
 * streak succeeded ({@link Kind#RECOVERED}); or its schedule is late ({@link Kind#LATE}),
 * or fires again ({@link Kind#ON_TIME}). Raised once per streak or lateness.
 */
public record CollectionAlert(Kind kind, String collector, String dataset, int failures, String runId, String message,
                              Instant at) {
    public enum Kind {
        /** Failed runs in a row, and the success that ended them. */
        FAILING, RECOVERED,
        /** A schedule whose fire time passed {@code late_after} ago without firing, and its next firing. */
        LATE, ON_TIME;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The one JSON shape of an alert: the run's {@code alert} event, the webhook and etcd. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alert", kind.id());
        m.put("collector", collector);
        m.put("dataset", dataset);
        if (kind == Kind.LATE || kind == Kind.ON_TIME) {
            m.put("schedule", collector + "@" + dataset);
        }
        m.put("failures", failures);
        m.put("run_id", runId);
        m.put("message", message);
        m.put("at", at.toString());
        return m;
    }

    /** {@link #view} as JSON text. */
    public String text() {
        return EventJson.of(view());
    }
}

package org.maomao.run;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collection itself went wrong, or came back: a collector's runs into a dataset failed
 * {@code failures} times in a row ({@link Kind#FAILING}), or the first run after such a
 * streak succeeded ({@link Kind#RECOVERED}). Raised once per streak.
 */
public record CollectionAlert(Kind kind, String collector, String dataset, int failures, String runId, String message,
                              Instant at) {
    public enum Kind {
        FAILING, RECOVERED;

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

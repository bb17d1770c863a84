package org.maomao.notify;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One event a watcher is told of: a spike, a collection alert or a run's end, with its payload
 * (the JSON that the webhook and etcd carry) and, when it came through etcd, the etcd revision
 * that put it, from which a watcher resumes.
 *
 * @param revision the etcd revision of the put; null for a daemon without etcd
 */
public record Notification(Kind kind, Long revision, JsonNode data) {
    static final ObjectMapper JSON = new ObjectMapper();

    public enum Kind {
        SPIKE, ALERT, RUN;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The kind of a key under the etcd prefix ({@code spikes/...}, {@code alerts/...}, {@code runs/...}); null for others. */
        public static Kind ofKey(String keyUnderPrefix) {
            if (keyUnderPrefix.startsWith("spikes/")) {
                return SPIKE;
            }
            if (keyUnderPrefix.startsWith("alerts/")) {
                return ALERT;
            }
            if (keyUnderPrefix.startsWith("runs/")) {
                return RUN;
            }
            return null;
        }
    }

    /** A notification from JSON text; null when the text is not a JSON object (never relayed). */
    public static Notification parse(Kind kind, Long revision, String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return n != null && n.isObject() ? new Notification(kind, revision, n) : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The line of {@code GET /watch}: {@code {"kind":..,"revision":..,"data":{..}}} and a newline, on one line. */
    public String line() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.id());
        if (revision != null) {
            m.put("revision", revision);
        }
        m.put("data", data);
        return text(m);
    }

    /** The first line of a stream: the revision it follows (absent without etcd). */
    public static String startLine(Long revision) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "start");
        if (revision != null) {
            m.put("revision", revision);
        }
        return text(m);
    }

    /** The last line of a stream that the daemon ends: why, as the API's errors say it. */
    public static String errorLine(String error, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "error");
        m.put("error", error);
        m.put("message", message);
        return text(m);
    }

    static String text(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

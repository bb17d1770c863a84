package org.maomao.cluster;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One daemon of a cluster as the others see it: the value of its key {@code <prefix>/members/<id>}.
 *
 * @param id        its member id ({@code [cluster] member_id})
 * @param url       where its API answers
 * @param version   the maomao version it runs
 * @param capacity  the most runs it runs at once ({@code [daemon] max_concurrent_runs})
 * @param inFlight  the runs it is running now
 * @param startedAt when it started
 */
public record Member(String id, String url, String version, int capacity, int inFlight, Instant startedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON of the member's etcd value and of {@code GET /members}. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("url", url);
        m.put("version", version);
        m.put("capacity", capacity);
        m.put("in_flight", inFlight);
        m.put("started_at", startedAt.toString());
        return m;
    }

    String text() {
        try {
            return JSON.writeValueAsString(json());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a member's etcd value; throws IllegalArgumentException when it is not one. */
    static Member parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject() || !n.path("id").isTextual() || !n.path("started_at").isTextual()) {
                throw new IllegalArgumentException("not a member: " + clip(text));
            }
            return new Member(n.get("id").asText(), n.path("url").asText(null), n.path("version").asText(null),
                    n.path("capacity").asInt(), n.path("in_flight").asInt(), Instant.parse(n.get("started_at").asText()));
        } catch (JsonProcessingException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a member: " + clip(text), e);
        }
    }

    private static String clip(String t) {
        return t.length() <= 200 ? t : t.substring(0, 200) + "...";
    }
}

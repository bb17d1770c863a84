package org.maomao.http;

import static org.maomao.http.StatusPage.esc;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.maomao.run.RunEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A run's events as the table of its page: time, type, the attempt it belongs to (the one the
 * latest {@code started} event began) and a one-line message made from its payload. Payloads
 * hold collector text (a spike's series, a result's message): every piece is escaped, and
 * each line and the number of rows are bounded.
 */
final class RunTimeline {
    /** Rows drawn; the rest are left to {@code GET /runs/{id}/events}. */
    static final int MAX_ROWS = 500;
    /** Characters of one event's message. */
    static final int MAX_MESSAGE = 400;

    private final ObjectMapper mapper;

    RunTimeline(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void render(StringBuilder h, String runId, List<RunEvent> events) {
        h.append("<table id=\"events\"><tr><th>time</th><th>event</th><th>attempt</th><th>message</th></tr>");
        String attempt = "";
        int shown = 0;
        for (RunEvent e : events) {
            JsonNode payload = parse(e.payload());
            if (e.type().equals("started") && payload.path("attempt").isNumber()) {
                attempt = payload.get("attempt").asText();
            }
            if (shown++ < MAX_ROWS) {
                h.append("<tr class=\"event ").append(esc(e.type())).append("\"><td>").append(e.at()).append("</td><td>")
                        .append(esc(e.type())).append("</td><td>").append(attempt).append("</td><td>")
                        .append(esc(message(e.type(), payload))).append("</td></tr>");
            }
        }
        h.append("</table>");
        if (events.size() > MAX_ROWS) {
            h.append("<p>").append(events.size() - MAX_ROWS).append(" more events: <a href=\"/runs/").append(esc(runId))
                    .append("/events\">all events</a> (JSON).</p>");
        }
    }

    /** The payload's {@code message}, else its fields as {@code key: value}, on one line and clipped. */
    private String message(String type, JsonNode p) {
        String text;
        if (p.isTextual()) {
            text = p.asText();
        } else if (p.path("message").isTextual() && !type.equals("finished")) {
            text = p.get("message").asText();
        } else if (p.isObject()) {
            StringBuilder s = new StringBuilder();
            Iterator<Map.Entry<String, JsonNode>> it = p.properties().iterator();
            while (it.hasNext() && s.length() <= MAX_MESSAGE) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getValue().isNull() || (f.getKey().equals("attempt") && type.equals("started"))) {
                    continue;
                }
                s.append(s.isEmpty() ? "" : ", ").append(f.getKey()).append(": ")
                        .append(f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
            }
            text = s.toString();
        } else {
            text = p.isMissingNode() || p.isNull() ? "" : p.toString();
        }
        String one = text.replaceAll("\\p{Cntrl}", " ");
        return one.length() <= MAX_MESSAGE ? one : one.substring(0, MAX_MESSAGE) + "...";
    }

    private JsonNode parse(String json) {
        if (json == null) {
            return mapper.missingNode();
        }
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }
}

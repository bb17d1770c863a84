package org.maomao.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON shape of a run's end, as etcd ({@code <prefix>/runs/<id>}) and {@code GET /watch}
 * carry it: small, so that a key per run stays cheap. The message is clipped (a collector controls it).
 */
public final class RunEndJson {
    static final int MAX_MESSAGE = 300;

    private RunEndJson() {
    }

    public static Map<String, Object> view(Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("collector", r.collector());
        m.put("dataset", r.dataset());
        m.put("state", r.state().id());
        m.put("attempt", r.attempt());
        m.put("member", r.member());
        m.put("commit", r.commit());
        m.put("exit_code", r.exitCode());
        String msg = r.message();
        m.put("message", msg == null || msg.length() <= MAX_MESSAGE ? msg : msg.substring(0, MAX_MESSAGE) + "…");
        m.put("trigger", r.trigger());
        m.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        return m;
    }

    public static String text(Run r) {
        return EventJson.of(view(r));
    }
}

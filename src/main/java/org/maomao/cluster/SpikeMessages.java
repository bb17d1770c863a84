package org.maomao.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

import org.maomao.run.SpikeRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON a spike is published as, the same for the webhook and etcd. */
final class SpikeMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpikeMessages() {
    }

    /** The series id used in URLs and etcd keys: {@code <dataset>/<collector>/<file>#<column>}. */
    static String seriesId(SpikeRecord s) {
        return s.dataset() + "/" + s.series();
    }

    static String json(SpikeRecord s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("series", seriesId(s));
        m.put("dataset", s.dataset());
        m.put("timestamp", s.timestamp());
        m.put("value", s.value());
        m.put("mean", s.mean());
        m.put("deviation", s.deviation());
        m.put("z", s.z());
        m.put("direction", s.direction() > 0 ? "up" : "down");
        m.put("run_id", s.runId());
        m.put("commit", s.commit());
        m.put("detected_at", s.detectedAt() == null ? null : s.detectedAt().toString());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

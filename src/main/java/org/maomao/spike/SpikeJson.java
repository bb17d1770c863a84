package org.maomao.spike;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON shape of a spike, for {@code GET /spikes}, the run's {@code spike} event, the
 * webhook and etcd. {@code series} is the series' name inside its dataset
 * ({@code <collector>/<file>#<column>}, what {@code /spikes?series=} filters on);
 * {@code series_id} adds the dataset in front, as in {@code /series/{id}} URLs and etcd keys.
 * {@code detected_at} is an ISO-8601 instant. {@code expected} (also {@code mean}, its first name) is
 * the value the point was expected at, {@code lower} and {@code upper} the band it was judged against,
 * {@code window} the points of the window and {@code season} the cycle removed ({@code none}, {@code 1d});
 * those four are null for spikes stored before they were kept.
 */
public final class SpikeJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SpikeJson() {
    }

    /** The series id of URLs and etcd keys: {@code <dataset>/<collector>/<file>#<column>}. */
    public static String seriesId(SpikeRecord s) {
        return s.dataset() + "/" + s.series();
    }

    /** The spike as an ordered map; {@code id} only once it is stored (a positive id). */
    public static Map<String, Object> view(SpikeRecord s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (s.id() > 0) {
            m.put("id", s.id());
        }
        m.put("dataset", s.dataset());
        m.put("series", s.series());
        m.put("series_id", seriesId(s));
        m.put("timestamp", s.timestamp());
        m.put("value", s.value());
        m.put("mean", s.mean());
        m.put("expected", s.mean());
        m.put("deviation", s.deviation());
        SpikeExplanation e = s.explanation();
        m.put("lower", e == null ? null : edge(e.lower()));
        m.put("upper", e == null ? null : edge(e.upper()));
        m.put("z", s.z());
        m.put("direction", s.direction() > 0 ? "up" : "down");
        m.put("window", e == null ? null : e.window());
        m.put("season", e == null ? null : e.season());
        m.put("run_id", s.runId());
        m.put("commit", s.commit());
        m.put("detected_at", s.detectedAt() == null ? null : s.detectedAt().toString());
        return m;
    }

    /** A band edge for JSON, which has no infinity: null for an infinite edge. */
    private static Double edge(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** {@link #view} as JSON text. */
    public static String text(SpikeRecord s) {
        try {
            return JSON.writeValueAsString(view(s));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

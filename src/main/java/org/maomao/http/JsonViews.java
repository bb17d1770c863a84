package org.maomao.http;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.maomao.collector.Collector;
import org.maomao.dataset.DatasetCommit;
import org.maomao.dataset.DatasetInfo;
import org.maomao.run.Run;
import org.maomao.run.RunEvent;
import org.maomao.schedule.Schedule;
import org.maomao.spike.SeriesStore;
import org.maomao.spike.SpikeJson;
import org.maomao.spike.SpikeRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON shape of each resource, in snake_case, built in one place. */
final class JsonViews {
    private final ObjectMapper mapper;

    JsonViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Map<String, Object> collector(Collector c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("url", c.image());
        m.put("image", c.image());
        m.put("dataset", c.dataset());
        m.put("settings", c.settings());
        m.put("source", c.source());
        m.put("created_at", c.createdAt());
        m.put("updated_at", c.updatedAt());
        return m;
    }

    Map<String, Object> run(Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("collector", r.collector());
        m.put("dataset", r.dataset());
        m.put("image", r.image());
        m.put("state", r.state().id());
        m.put("trigger", r.trigger());
        m.put("schedule_id", r.scheduleId());
        m.put("attempt", r.attempt());
        m.put("max_attempts", r.maxAttempts());
        m.put("member", r.member()); // null for a lone daemon
        m.put("exit_code", r.exitCode());
        m.put("message", r.message());
        m.put("progress", r.progress());
        m.put("result", parse(r.result()));
        m.put("commit", r.commit());
        m.put("created_at", r.createdAt());
        m.put("started_at", r.startedAt());
        m.put("finished_at", r.finishedAt());
        m.put("duration_s", RunDurations.seconds(r, Instant.now()));
        m.put("next_retry_at", r.nextRetryAt());
        return m;
    }

    Map<String, Object> event(RunEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("at", e.at());
        m.put("type", e.type());
        m.put("payload", parse(e.payload()));
        return m;
    }

    Map<String, Object> schedule(Schedule s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.collector());
        m.put("collector", s.collector());
        m.put("dataset", s.dataset());
        m.put("frequency", s.frequency());
        m.put("cron", s.cron());
        m.put("timezone", s.timezone());
        m.put("source", s.source());
        m.put("paused", s.paused());
        m.put("next_fire_time", s.nextFireTimes().isEmpty() ? null : s.nextFireTimes().get(0));
        m.put("next_fire_times", s.nextFireTimes());
        return m;
    }

    Map<String, Object> spike(SpikeRecord k) {
        return SpikeJson.view(k);
    }

    Map<String, Object> series(SeriesStore.SeriesRecord s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.dataset() + "/" + s.name());
        m.put("url", SeriesId.url(s.dataset(), s.name()));
        m.put("dataset", s.dataset());
        m.put("series", s.name());
        m.put("points", s.points());
        m.put("last_timestamp", s.lastTimestamp());
        m.put("last_value", s.lastValue());
        m.put("updated_at", s.updatedAt());
        return m;
    }

    Map<String, Object> dataset(DatasetInfo d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("remote", d.remote());
        m.put("branch", d.branch());
        m.put("head", d.head());
        m.put("ahead_by", d.aheadBy());
        return m;
    }

    Map<String, Object> commit(DatasetCommit c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("subject", c.subject());
        m.put("time", c.time());
        m.put("run_id", c.runId());
        m.put("collector", c.collector());
        m.put("attempt", c.attempt());
        return m;
    }

    private JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }
}

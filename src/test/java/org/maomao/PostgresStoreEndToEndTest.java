package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.Poll;
import org.maomao.testing.PostgresServer;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The daemon on a real PostgreSQL ({@code [store] url = jdbc:postgresql://...}), end to end over
 * HTTP with the real Docker engine: collectors, runs and their events, series, spikes, detector
 * state and Quartz's triggers are kept in PostgreSQL, and are all there after a restart. A collector's
 * text that decodes to U+0000, which PostgreSQL's text refuses, is stored as U+FFFD.
 */
class PostgresStoreEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static String spiky;
    static String quick;
    static String nul;

    @TempDir
    Path dir;
    TestDaemon daemon;
    String url;

    @BeforeAll
    static void images() {
        spiky = TestImages.collector("maomao-test/spiky:pg", """
                i=0
                echo "timestamp,value" > /output/level.csv
                while [ $i -lt 120 ]; do
                  v=$((100 + (i * 7) % 5))
                  if [ $i -eq 100 ]; then v=400; fi
                  printf '2026-01-01T00:%02d:%02d,%s\\n' $((i / 60)) $((i % 60)) $v >> /output/level.csv
                  i=$((i + 1))
                done
                """);
        quick = TestImages.collector("maomao-test/quick:pg", "echo \"t,v\n$MAOMAO_RUN_ID,1\" > /output/rows.csv\n");
        // a CSV with a NUL byte is refused at ingest; JSON's escape for U+0000 is valid text that decodes to one,
        // and PostgreSQL's text refuses U+0000
        nul = TestImages.collector("maomao-test/nul:pg", """
                cat > /output/nul.jsonl <<'EOF'
                {"timestamp":"2026-01-01T00:00:01\\u0000","va\\u0000lue":1}
                {"timestamp":"2026-01-01T00:00:02\\u0000","va\\u0000lue":2}
                {"timestamp":"2026-01-01T00:00:03\\u0000","va\\u0000lue":3}
                EOF
                echo '::result {"success":true,"msg":"n\\u0000ul"}'
                """);
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (url != null) {
            PostgresServer.shared().dropDatabase(url);
        }
    }

    List<JsonNode> runs(String query) {
        List<JsonNode> out = new ArrayList<>();
        daemon.get("/runs?limit=1000" + query).json().forEach(out::add);
        return out;
    }

    long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, PostgresServer.shared().user(), "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void should_keep_collectors_runs_schedules_series_and_spikes_in_postgresql_across_a_restart() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        url = pg.newDatabase();
        daemon = new TestDaemon(dir.resolve("data"), Map.of("store.url", url, "store.user", pg.user()));
        assertThat(daemon.get("/health").json().get("components").get("store").asText()).isEqualTo("up");

        daemon.register("spiky", spiky, ",\"spike\":{\"lag\":20}");
        String run = daemon.runNow("spiky", "levels");
        JsonNode done = daemon.awaitEnd(run, WAIT);
        assertThat(done.get("state").asText()).isEqualTo("succeeded");
        assertThat(daemon.get("/spikes").json()).hasSize(1);

        daemon.register("nul", nul, "");
        JsonNode nuls = daemon.awaitEnd(daemon.runNow("nul", "nuls"), WAIT);
        assertThat(nuls.get("state").asText()).as(nuls.toString()).isEqualTo("succeeded");
        JsonNode nulSeries = daemon.get("/series?dataset=nuls").json().get("series");
        assertThat(nulSeries).hasSize(1);
        assertThat(nulSeries.get(0).get("id").asText()).isEqualTo("nuls/nul/nul.jsonl#va\uFFFDlue");
        assertThat(nulSeries.get(0).get("points").asLong()).isEqualTo(3);
        // and shown and re-scanned by that name: the reader names the field in the file as it was stored
        String nulUrl = nulSeries.get(0).get("url").asText();
        assertThat(daemon.get(nulUrl).json().get("points")).hasSize(3);
        TestDaemon.Response nulRescan = daemon.post(nulUrl + "/rescan", "");
        assertThat(nulRescan.status()).as(nulRescan.body()).isEqualTo(200);
        assertThat(nulRescan.json().get("points").asLong()).isEqualTo(3);

        daemon.register("quick", quick, "");
        TestDaemon.Response s = daemon.post("/run",
                "{\"name\":\"quick\",\"dataset\":\"none\",\"cron\":true,\"frequency\":\"0/1 * * * * ?\"}");
        assertThat(s.status()).isEqualTo(201);
        // Quartz, on its PostgreSQL delegate, fires the schedule and the run goes all the way
        JsonNode fired = Poll.until(WAIT, "a scheduled run to succeed",
                () -> runs("&collector=quick&state=succeeded").stream().findFirst().orElse(null));
        assertThat(fired.get("trigger").asText()).isEqualTo("schedule");
        List<String> events = new ArrayList<>();
        daemon.get("/runs/" + run + "/events").json().forEach(e -> events.add(e.get("type").asText()));
        assertThat(events).containsSubsequence("submitted", "started", "exited", "committed", "finished");

        daemon.stop();

        // all of it is in PostgreSQL: no H2 file was made
        assertThat(dir.resolve("data/db")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(Files.list(p)).isEmpty());
        assertThat(count("SELECT COUNT(*) FROM mm_collectors")).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM mm_runs WHERE id='" + run + "' AND state='succeeded'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM mm_run_events WHERE run_id='" + run + "'")).isEqualTo(events.size());
        assertThat(count("SELECT COUNT(*) FROM mm_schedules WHERE id='quick@none'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_name='quick@none'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM mm_spikes")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM mm_series WHERE name='spiky/level.csv#value' "
                + "AND points=120 AND detector_state IS NOT NULL")).isEqualTo(1);
        Instant restarted = Instant.now();
        daemon.start();

        assertThat(daemon.get("/runs/" + run).json()).isEqualTo(done);
        assertThat(daemon.get("/collectors/spiky").status()).isEqualTo(200);
        JsonNode schedule = daemon.get("/schedules").json();
        assertThat(schedule).hasSize(1);
        assertThat(schedule.get(0).get("id").asText()).isEqualTo("quick@none");
        assertThat(Instant.parse(schedule.get(0).get("next_fire_time").asText()))
                .isBefore(Instant.now().plus(Duration.ofMinutes(1)));
        JsonNode spikes = daemon.get("/spikes").json();
        assertThat(spikes).hasSize(1);
        assertThat(spikes.get(0).get("value").asDouble()).isEqualTo(400.0);
        assertThat(daemon.get("/series").json().get("series").findValuesAsText("id"))
                .contains("levels/spiky/level.csv#value");
        // and the schedule goes on firing after the restart
        Poll.until(WAIT, "the schedule to fire after the restart", () -> runs("&collector=quick&state=succeeded").stream()
                .anyMatch(r -> Instant.parse(r.get("created_at").asText()).isAfter(restarted)));
        assertThat(daemon.delete("/schedules/quick@none").status()).isIn(200, 204);
    }
}

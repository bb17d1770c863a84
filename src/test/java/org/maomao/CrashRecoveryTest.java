package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.GitCli;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A crash at a precise point of a run, replayed: the run's commit is in the dataset, but
 * the store still says the run is running (the daemon died after the commit and before
 * it stored the end). The store is put into that state directly, since no kill can hit
 * that instant reliably ({@link CrashStressIT} hits it by chance, many times over).
 * The restarted daemon must end the run as succeeded with that one commit, without
 * running the collector again, and with its spikes found exactly once.
 */
class CrashRecoveryTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    static String spiky;

    @TempDir
    Path dir;

    @BeforeAll
    static void image() {
        spiky = TestImages.collector("maomao-test/spiky:recover", """
                echo "attempt $MAOMAO_ATTEMPT"
                i=0
                echo "timestamp,value,quiet" > /output/level.csv
                while [ $i -lt 60 ]; do
                  v=$((100 + (i * 7) % 5))
                  if [ $i -eq 50 ]; then v=900; fi
                  printf '2026-02-01T00:00:%02d,%s,%s\\n' $i $v $((5 + i % 2)) >> /output/level.csv
                  i=$((i + 1))
                done
                """);
    }

    @Test
    void should_end_a_run_that_committed_before_the_crash_without_running_or_committing_it_again() throws Exception {
        TestDaemon daemon = new TestDaemon(dir.resolve("data"), Map.of("spike.lag", "20"));
        try {
            daemon.register("spiky", spiky, "");
            String id = daemon.runNow("spiky", "levels");
            JsonNode done = daemon.awaitEnd(id, WAIT);
            assertThat(done.get("state").asText()).isEqualTo("succeeded");
            String commit = done.get("commit").asText();
            assertThat(spikes(daemon)).hasSize(1);
            daemon.stop();

            // the crash: after the git commit, before the analysis and the end were stored
            sql("UPDATE mm_runs SET state = 'running', commit_id = NULL, finished_at = NULL, exit_code = NULL WHERE id = ?", id);
            sql("DELETE FROM mm_run_events WHERE run_id = ? AND type IN ('committed', 'spike', 'analysed', 'finished')", id);
            sql("DELETE FROM mm_spikes WHERE run_id = ?", id);
            sql("DELETE FROM mm_series WHERE dataset = ?", "levels");

            daemon.start();
            JsonNode recovered = Poll.until(WAIT, "the recovered run to end", () -> {
                JsonNode r = daemon.get("/runs/" + id).json();
                return r.get("state").asText().equals("succeeded") ? r : null;
            });
            assertThat(recovered.get("commit").asText()).isEqualTo(commit);
            assertThat(recovered.get("attempt").asInt()).isEqualTo(1);
            assertThat(GitCli.lines(dir.resolve("data/datasets/levels"), "log", "--format=%H")).containsExactly(commit);
            assertThat(spikes(daemon)).hasSize(1);
            assertThat(spikes(daemon).get(0).get("series").asText()).contains("level.csv#value");
            List<String> types = daemon.get("/runs/" + id + "/events").json().findValuesAsText("type");
            assertThat(types).containsSubsequence("committed", "spike", "analysed", "finished");
            assertThat(daemon.get("/runs/" + id + "/log").body()).doesNotContain("attempt 2");
        } finally {
            daemon.close();
        }
    }

    @Test
    void should_not_find_the_spikes_twice_when_the_crash_came_after_the_analysis() throws Exception {
        TestDaemon daemon = new TestDaemon(dir.resolve("data"), Map.of("spike.lag", "20"));
        try {
            daemon.register("spiky", spiky, "");
            String id = daemon.runNow("spiky", "levels");
            String commit = daemon.awaitEnd(id, WAIT).get("commit").asText();
            daemon.stop();

            // the crash: after the analysis, before the end was stored
            sql("UPDATE mm_runs SET state = 'running', commit_id = NULL, finished_at = NULL WHERE id = ?", id);
            sql("DELETE FROM mm_run_events WHERE run_id = ? AND type = 'finished'", id);

            daemon.start();
            Poll.until(WAIT, "the recovered run to end",
                    () -> daemon.get("/runs/" + id).json().get("state").asText().equals("succeeded"));
            assertThat(daemon.get("/runs/" + id).json().get("commit").asText()).isEqualTo(commit);
            assertThat(spikes(daemon)).hasSize(1);
            assertThat(GitCli.lines(dir.resolve("data/datasets/levels"), "log", "--format=%H")).hasSize(1);
        } finally {
            daemon.close();
        }
    }

    List<JsonNode> spikes(TestDaemon daemon) {
        JsonNode body = daemon.get("/spikes").json();
        JsonNode list = body.isArray() ? body : body.path("spikes");
        List<JsonNode> out = new java.util.ArrayList<>();
        list.forEach(out::add);
        return out;
    }

    void sql(String statement, String arg) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/db/maomao"));
             PreparedStatement p = c.prepareStatement(statement)) {
            p.setString(1, arg);
            p.executeUpdate();
        }
    }
}

package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The detector pointed at collection itself, end to end: a collector that always writes 3 rows
 * and then suddenly writes none raises a spike on its own series {@code <collector>/runs.csv#rows}
 * in the reserved dataset {@code _maomao}, like any data series.
 */
class RunSeriesEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    @TempDir
    Path dir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void should_raise_a_spike_when_a_collector_suddenly_writes_no_rows() {
        // appends 3 rows per run until its dataset holds 8 runs' worth, then writes none
        String image = TestImages.collector("maomao-test/steady:runseries", """
                n=0
                if [ -f /input/rows.csv ]; then n=$(( $(wc -l < /input/rows.csv) - 1 )); fi
                runs=$((n / 3))
                if [ "$runs" -ge 8 ]; then exit 0; fi
                echo "timestamp,value" > /output/rows.csv
                for i in 1 2 3; do echo "2026-01-01T00:$(printf %02d $runs):0${i},${i}" >> /output/rows.csv; done
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("steady", image, ",\"spike\":{\"min_points\":\"5\",\"lag\":\"5\"}");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String id = daemon.runNow("steady", "steady");
            assertThat(daemon.awaitEnd(id, WAIT).get("state").asText()).as("run " + i).isEqualTo("succeeded");
            ids.add(id);
        }
        JsonNode series = daemon.get("/series?dataset=_maomao&limit=1000").json().get("series");
        List<String> names = new ArrayList<>();
        series.forEach(s -> names.add(s.get("dataset").asText() + "/" + s.get("series").asText()));
        assertThat(names).contains("_maomao/steady/runs.csv#rows", "_maomao/steady/runs.csv#duration_s",
                "_maomao/steady/runs.csv#bytes", "_maomao/steady/runs.csv#exit_code");

        JsonNode spikes = daemon.get("/spikes?series=steady/runs.csv%23rows").json();
        assertThat(spikes).as("the run that wrote nothing").singleElement().satisfies(s -> {
            assertThat(s.get("dataset").asText()).isEqualTo("_maomao");
            assertThat(s.get("value").asDouble()).isZero();
            assertThat(s.get("direction").asText()).isEqualTo("down");
            assertThat(s.get("run_id").asText()).isEqualTo(ids.get(8));
        });

        // the run series has its page (its spikes; its points live only in the detector) and pages on
        JsonNode detail = daemon.get("/series/_maomao/steady/runs.csv%23rows").json();
        assertThat(detail.get("spikes")).hasSize(1);
        String next = daemon.get("/series?dataset=_maomao&limit=1").json().get("next").asText();
        assertThat(next).contains("dataset=_maomao", "after=_maomao");
        assertThat(daemon.get(next).json().get("series").get(0).get("dataset").asText()).isEqualTo("_maomao");
        // the data series are listed without them, as before
        JsonNode data = daemon.get("/series?limit=1000").json().get("series");
        assertThat(data).hasSize(1);
        assertThat(data.get(0).get("id").asText()).isEqualTo("steady/steady/rows.csv#value");
    }
}

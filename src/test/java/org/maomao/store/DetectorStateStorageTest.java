package org.maomao.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.spike.SeriesStore;
import org.maomao.spike.DetectorState;
import org.maomao.spike.SpikeDetector;
import org.maomao.spike.SpikeParameters;

/** The largest detector states the settings allow fit the series table of a real H2 database. */
class DetectorStateStorageTest {

    @TempDir
    Path dir;

    @Test
    void should_store_and_read_back_the_largest_detector_state() {
        // the largest window, a weekly season of 1-minute points, and values with many digits
        SpikeDetector detector = new SpikeDetector(SpikeParameters.fromMap(Map.of("lag", "10000", "season", "7d",
                "min_points", "30")));
        DetectorState state = detector.newState();
        for (int i = 0; i < 30_000; i++) {
            detector.update(state, 1.7e9 + i * 60.0, Math.PI * 1e6 + Math.sin(i) / 3);
        }
        String encoded = state.encode();
        assertThat(encoded.length()).isGreaterThan(65_536).isLessThan(1_000_000);
        try (Database db = Database.open(Database.h2Url(dir), "sa", "", 2)) {
            JdbcSeriesStore store = new JdbcSeriesStore(db.dataSource(), Clock.systemUTC());
            store.save(new SeriesStore.SeriesRecord("d", "c/f.csv#v", encoded, 30_000, "t", 1.0, Instant.now()), List.of());
            String read = store.find("d", "c/f.csv#v").orElseThrow().detectorState();
            assertThat(read).isEqualTo(encoded);
            assertThat(detector.resume(read).encode()).isEqualTo(encoded);
        }
    }
}

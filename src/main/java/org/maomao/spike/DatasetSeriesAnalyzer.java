package org.maomao.spike;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.run.DatasetWriter.TableRows;
import org.maomao.run.SeriesAnalyzer;
import org.maomao.run.SeriesStore;
import org.maomao.run.SpikeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the detector over the rows a run added to each table of a dataset: each
 * numeric column is a series {@code <collector>/<file>#<column>} whose detector state
 * is loaded, fed only the new points, and stored again with the spikes it found, so
 * the work per run does not grow with the history.
 */
public final class DatasetSeriesAnalyzer implements SeriesAnalyzer {
    private static final Logger log = LoggerFactory.getLogger(DatasetSeriesAnalyzer.class);

    private final SeriesStore store;
    private final SeriesLimits limits;
    private final Map<String, String> daemonSettings;
    private final java.util.function.Function<String, Map<String, String>> collectorSettings;
    private final Clock clock;
    private final Map<Map<String, String>, SpikeDetector> detectors = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param daemonSettings    the daemon's [spike] section
     * @param collectorSettings a collector's own spike settings (keys without the {@code spike.} prefix)
     */
    public DatasetSeriesAnalyzer(SeriesStore store, Map<String, String> daemonSettings,
                                 java.util.function.Function<String, Map<String, String>> collectorSettings, Clock clock) {
        this.store = store;
        this.limits = new SeriesLimits(store);
        this.daemonSettings = Map.copyOf(daemonSettings);
        this.collectorSettings = collectorSettings;
        this.clock = clock;
        parameters(daemonSettings, Map.of()); // fail at start on a bad [spike]
    }

    /**
     * The parameters for a collector: [spike], then its own {@code spike.*} settings.
     *
     * @throws IllegalArgumentException with a sentence (ending in a full stop) naming the unusable setting
     */
    public static SpikeParameters parameters(Map<String, String> daemonSettings, Map<String, String> collectorSettings) {
        Map<String, String> merged = new java.util.HashMap<>(daemonSettings);
        merged.putAll(collectorSettings);
        try {
            return SpikeParameters.fromMap(merged);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw message.endsWith(".") ? e : new IllegalArgumentException(message + ".", e);
        }
    }

    @Override
    public void checkLimits(String dataset, String collector, List<TableRows> tables, int maxSeriesPerFile, int maxSeries)
            throws IngestException {
        limits.check(dataset, collector, tables, maxSeriesPerFile, maxSeries);
    }

    @Override
    public List<SpikeRecord> analyze(String dataset, String collector, List<TableRows> tables, String runId, String commit) {
        List<SpikeRecord> found = new ArrayList<>();
        Map<String, String> own = collectorSettings.apply(collector);
        SpikeDetector detector = detectors.computeIfAbsent(own, o -> new SpikeDetector(parameters(daemonSettings, o)));
        for (TableRows t : tables) {
            if (t.rows().isEmpty()) {
                continue;
            }
            SeriesTable table = SeriesFormat.table(t);
            for (Map.Entry<String, List<SeriesPoint>> e : table.allSeries().entrySet()) {
                List<SeriesPoint> points = e.getValue();
                if (points.isEmpty()) {
                    continue;
                }
                String name = SeriesTable.seriesName(collector + "/" + t.file(), e.getKey());
                var stored = store.find(dataset, name);
                DetectorState state;
                try {
                    state = detector.resume(stored.map(SeriesStore.SeriesRecord::detectorState).orElse(null));
                } catch (IllegalArgumentException unreadable) {
                    log.warn("series {} of dataset {}: stored detector state unreadable ({}); starting it over",
                            name, dataset, unreadable.getMessage());
                    state = detector.newState();
                }
                List<SpikeRecord> spikes = new ArrayList<>();
                for (Spike s : detector.scan(name, points, state)) {
                    spikes.add(new SpikeRecord(0, dataset, name, s.timestamp(), s.value(), s.mean(), s.deviation(), s.z(),
                            s.direction(), runId, commit, clock.instant()));
                    log.warn("spike in {} of dataset {}: {} at {} (mean {}, z {})", name, dataset, s.value(),
                            s.timestamp(), s.mean(), String.format("%.2f", s.z()));
                }
                SeriesPoint last = points.get(points.size() - 1);
                long count = stored.map(SeriesStore.SeriesRecord::points).orElse(0L) + points.size();
                store.save(new SeriesStore.SeriesRecord(dataset, name, state.encode(), count, last.timestamp(),
                        last.value(), clock.instant()), spikes);
                found.addAll(spikes);
            }
        }
        return found;
    }
}

package org.maomao.spike;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;


import org.maomao.spike.TableRows;
import org.maomao.spike.SeriesAnalyzer;
import org.maomao.spike.SeriesStore;
import org.maomao.spike.SpikeRecord;
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

    /** The biggest dataset file a re-scan reads. */
    public static final long MAX_RESCAN_BYTES = SeriesHistory.MAX_BYTES;

    private final SeriesStore store;
    private final SeriesLimits limits;
    private final Map<String, String> daemonSettings;
    private final java.util.function.Function<String, Map<String, String>> collectorSettings;
    private final Clock clock;
    private final Map<Map<String, String>, SpikeDetector> detectors = new java.util.concurrent.ConcurrentHashMap<>();
    /** A run's analysis and a re-scan of the same series take turns (striped, so memory stays fixed). */
    private final Object[] seriesLocks = new Object[64];

    {
        for (int i = 0; i < seriesLocks.length; i++) {
            seriesLocks[i] = new Object();
        }
    }

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
        return SpikeParameters.forCollector(daemonSettings, collectorSettings);
    }

    @Override
    public void checkLimits(String dataset, String collector, List<TableRows> tables, int maxSeriesPerFile, int maxSeries)
            throws SeriesLimitException {
        limits.check(dataset, collector, tables, maxSeriesPerFile, maxSeries);
    }

    @Override
    public List<SpikeRecord> analyze(String dataset, String collector, List<TableRows> tables, String runId, String commit) {
        List<SpikeRecord> found = new ArrayList<>();
        SpikeDetector detector = detectorFor(collector);
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
                synchronized (lockOf(dataset, name)) {
                    found.addAll(analyze(dataset, name, points, detector, runId, commit));
                }
            }
        }
        return found;
    }

    /** The detector for {@code collector}'s current settings, one per distinct settings. */
    private SpikeDetector detectorFor(String collector) {
        return detectors.computeIfAbsent(collectorSettings.apply(collector),
                o -> new SpikeDetector(parameters(daemonSettings, o)));
    }

    private Object lockOf(String dataset, String name) {
        return seriesLocks[Math.floorMod(java.util.Objects.hash(dataset, name), seriesLocks.length)];
    }

    private List<SpikeRecord> analyze(String dataset, String name, List<SeriesPoint> points, SpikeDetector detector,
                                      String runId, String commit) {
        var stored = store.find(dataset, name);
        if (runId != null && stored.map(SeriesStore.SeriesRecord::lastRun).filter(runId::equals).isPresent()) {
            // this run fed the series before a crash cut its analysis short: its rows are in the state already
            return List.of();
        }
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
                    s.direction(), runId, commit, clock.instant(), s.explanation()));
            log.warn("spike in {} of dataset {}: {} at {} (mean {}, z {})", name, dataset, s.value(),
                    s.timestamp(), s.mean(), String.format("%.2f", s.z()));
        }
        SeriesPoint last = points.get(points.size() - 1);
        long count = stored.map(SeriesStore.SeriesRecord::points).orElse(0L) + points.size();
        store.save(new SeriesStore.SeriesRecord(dataset, name, state.encode(), count, last.timestamp(),
                last.value(), clock.instant(), runId), spikes);
        return spikes;
    }

    /**
     * Points before the shown ones that {@link #band} replays first, so the window, the record and a
     * daily season (three days of 1-minute points) are in place when the shown points come.
     */
    public static final int BAND_WARM_UP = 5000;

    /** A point with the value the detector expected it at and the band around it; null edges where it judged nothing. */
    public record BandPoint(String timestamp, double value, Double expected, Double lower, Double upper) {
    }

    /**
     * The band the detector draws over the last {@code shown} of {@code points} (oldest first) of series
     * {@code name}: the detector, with its collector's current settings, replays {@code points} from a
     * new state, the ones before the shown ones warming it up ({@link #BAND_WARM_UP} are enough). Reads
     * and writes nothing; a point whose centre or spread is not a number has null edges.
     */
    public List<BandPoint> band(String name, List<SeriesPoint> points, int shown) {
        SpikeDetector detector = detectorFor(name.substring(0, Math.max(0, name.indexOf('/'))));
        DetectorState state = detector.newState();
        List<BandPoint> out = new ArrayList<>(Math.min(shown, points.size()));
        int first = Math.max(0, points.size() - shown);
        for (int i = 0; i < points.size(); i++) {
            SeriesPoint p = points.get(i);
            Detection d = detector.update(state, SeriesTime.epochSeconds(p.timestamp()), p.value());
            if (i < first) {
                continue;
            }
            SpikeBand band = detector.band(d);
            out.add(band == null ? new BandPoint(p.timestamp(), p.value(), null, null, null)
                    : new BandPoint(p.timestamp(), p.value(), band.expected(), band.lower(), band.upper()));
        }
        return out;
    }

    /** What a re-scan found: the points read, the spikes among them, and the rows skipped as not numbers. */
    public record Rescan(long points, int spikes, long skipped) {
    }

    /** A series that cannot be re-scanned as it is (its file lost the column, or cannot be read whole). */
    public static final class RescanException extends Exception {
        public RescanException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Recomputes the spikes of series {@code name} of {@code dataset} over its whole history in
     * {@code file}, with its collector's current settings, and replaces its stored spikes and
     * detector state in one transaction. Notifies no one: these points are past. Streams the file
     * ({@link SeriesHistory#MAX_BYTES} at most) and keeps only the spikes in memory.
     */
    public Rescan rescan(String dataset, String name, java.nio.file.Path file) throws RescanException {
        return rescan(dataset, name, name.substring(name.lastIndexOf('#') + 1), file);
    }

    /** As {@link #rescan(String, String, java.nio.file.Path)}, for series {@code name} whose column (or JSONL field) is {@code field}. */
    public Rescan rescan(String dataset, String name, String field, java.nio.file.Path file) throws RescanException {
        String collector = name.substring(0, name.indexOf('/'));
        SpikeDetector detector = new SpikeDetector(parameters(daemonSettings, collectorSettings.apply(collector)));
        synchronized (lockOf(dataset, name)) {
            DetectorState state = detector.newState();
            List<SpikeRecord> spikes = new ArrayList<>();
            long[] points = {0};
            SeriesPoint[] last = {null};
            long skipped;
            try {
                skipped = SeriesHistory.read(file, field, p -> {
                    Detection d = detector.update(state, SeriesTime.epochSeconds(p.timestamp()), p.value());
                    if (d.isSpike()) {
                        Spike s = detector.spike(name, p.timestamp(), d, state);
                        spikes.add(new SpikeRecord(0, dataset, name, s.timestamp(), s.value(), s.mean(), s.deviation(),
                                s.z(), s.direction(), null, null, clock.instant(), s.explanation()));
                    }
                    points[0]++;
                    last[0] = p;
                });
            } catch (java.io.IOException e) {
                throw new RescanException("series " + name + " of dataset " + dataset + " cannot be re-scanned: "
                        + e.getMessage() + ".", e);
            }
            if (last[0] == null) {
                throw new RescanException("series " + name + " of dataset " + dataset + " has no numeric values in "
                        + file.getFileName() + " any more (the column or field is gone); nothing was changed.", null);
            }
            store.replace(new SeriesStore.SeriesRecord(dataset, name, state.encode(), points[0], last[0].timestamp(),
                    last[0].value(), clock.instant(), store.find(dataset, name).map(SeriesStore.SeriesRecord::lastRun)
                    .orElse(null)), spikes);
            log.info("re-scanned series {} of dataset {}: {} points, {} spikes, {} rows skipped", name, dataset, points[0],
                    spikes.size(), skipped);
            return new Rescan(points[0], spikes.size(), skipped);
        }
    }
}

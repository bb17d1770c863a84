package org.maomao.spike;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of each series' detector state and of the spikes found in it. */
public interface SeriesStore {
    /**
     * The longest series name ({@code <collector>/<file>#<column>}) the store holds: mm_series.name
     * and mm_spikes.series are VARCHAR(512). Counted in UTF-16 units, never fewer than the
     * characters either database counts, so a name within it fits both.
     */
    int MAX_NAME_LENGTH = 512;

    /**
     * Longest time cell a store keeps (mm_series.last_timestamp and mm_spikes.ts are VARCHAR(128)): a
     * longer one, which a collector may write, is kept to its first {@value} characters, so it cannot
     * fail a run after its commit. The rows themselves are committed as written.
     */
    int MAX_TIME_LENGTH = 128;

    /** {@code cell} as a store keeps it (see {@link #MAX_TIME_LENGTH}). */
    static String storedTime(String cell) {
        return cell == null || cell.length() <= MAX_TIME_LENGTH ? cell : cell.substring(0, MAX_TIME_LENGTH);
    }

    /**
     * One series of a dataset: its detector state (so the next run feeds only new rows),
     * how many points it has seen and its last point, and the run whose rows it last took in
     * ({@code lastRun}; null for a re-scan's or an older store's), so a recovered run does not feed it twice.
     */
    record SeriesRecord(String dataset, String name, String detectorState, long points, String lastTimestamp,
                        Double lastValue, Instant updatedAt, String lastRun) {
        public SeriesRecord(String dataset, String name, String detectorState, long points, String lastTimestamp,
                            Double lastValue, Instant updatedAt) {
            this(dataset, name, detectorState, points, lastTimestamp, lastValue, updatedAt, null);
        }
    }

    /** A filter for spikes, newest first; null fields do not filter. */
    record SpikeQuery(String collector, String series, Instant since, int limit) {
    }

    Optional<SeriesRecord> find(String dataset, String name);

    /** Saves the series' new state and its new spikes together. */
    void save(SeriesRecord series, List<SpikeRecord> newSpikes);

    /** Replaces the series' state and all its spikes with these, in one transaction (a re-scan). */
    void replace(SeriesRecord series, List<SpikeRecord> spikes);

    /**
     * At most {@code limit} series in (dataset, name) order, starting after the series
     * {@code afterDataset}/{@code afterName} (both null: from the first), so that any number of
     * series can be listed page by page.
     */
    List<SeriesRecord> page(String afterDataset, String afterName, int limit);

    /** How many series there are. */
    long count();

    /** How many series {@code collector} has in {@code dataset}. */
    long count(String dataset, String collector);

    /** How many of the series {@code names} of {@code dataset} exist. */
    long countExisting(String dataset, java.util.Collection<String> names);

    /**
     * At most {@code n} series for an overview: those with the most recent spikes first, then the
     * most recently updated; never reads every series.
     */
    List<SeriesRecord> recent(int n);

    List<SpikeRecord> spikes(SpikeQuery query);
}

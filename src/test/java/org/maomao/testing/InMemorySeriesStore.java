package org.maomao.testing;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.maomao.spike.SeriesStore;
import org.maomao.spike.SpikeRecord;

/**
 * Series state and spikes in memory, for tests of what uses a {@link SeriesStore}; keeps the same
 * contract as the JDBC store (ids in the order stored, the store's clock for update times).
 */
public final class InMemorySeriesStore implements SeriesStore {
    /** The most series one page holds, as in the JDBC store. */
    private static final int MAX_PAGE = 10_000;
    private static final int MAX_SPIKES = 1000;

    private record Key(String dataset, String name) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::dataset).thenComparing(Key::name);

    private final Clock clock;
    private final TreeMap<Key, SeriesRecord> series = new TreeMap<>(ORDER);
    private final List<SpikeRecord> spikes = new ArrayList<>();
    private long lastId;

    public InMemorySeriesStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<SeriesRecord> find(String dataset, String name) {
        return Optional.ofNullable(series.get(new Key(dataset, name)));
    }

    @Override
    public synchronized void save(SeriesRecord s, List<SpikeRecord> newSpikes) {
        series.put(new Key(s.dataset(), s.name()), new SeriesRecord(s.dataset(), s.name(), s.detectorState(), s.points(),
                SeriesStore.storedTime(s.lastTimestamp()), s.lastValue(), clock.instant(), s.lastRun()));
        for (SpikeRecord k : newSpikes) {
            spikes.add(new SpikeRecord(++lastId, k.dataset(), k.series(), SeriesStore.storedTime(k.timestamp()), k.value(), k.mean(),
                    k.deviation(), k.z(), k.direction(), k.runId(), k.commit(), k.detectedAt(), k.explanation()));
        }
    }

    @Override
    public synchronized void replace(SeriesRecord s, List<SpikeRecord> newSpikes) {
        spikes.removeIf(k -> k.dataset().equals(s.dataset()) && k.series().equals(s.name()));
        save(s, newSpikes);
    }

    @Override
    public synchronized List<SeriesRecord> page(String afterDataset, String afterName, int limit) {
        Collection<SeriesRecord> from = afterDataset == null ? series.values()
                : series.tailMap(new Key(afterDataset, afterName == null ? "" : afterName), false).values();
        return from.stream().limit(Math.max(1, Math.min(limit, MAX_PAGE))).toList();
    }

    @Override
    public synchronized long count() {
        return series.size();
    }

    @Override
    public synchronized long count(String dataset, String collector) {
        return series.keySet().stream().filter(k -> k.dataset().equals(dataset) && k.name().startsWith(collector + "/"))
                .count();
    }

    @Override
    public synchronized long countExisting(String dataset, Collection<String> names) {
        Set<String> distinct = new HashSet<>(names);
        return distinct.stream().filter(n -> series.containsKey(new Key(dataset, n))).count();
    }

    @Override
    public synchronized List<SeriesRecord> recent(int n) {
        Map<Key, SeriesRecord> out = new LinkedHashMap<>();
        for (int i = spikes.size() - 1; i >= 0 && out.size() < n; i--) {
            Key key = new Key(spikes.get(i).dataset(), spikes.get(i).series());
            SeriesRecord s = series.get(key);
            if (s != null) {
                out.putIfAbsent(key, s);
            }
        }
        series.values().stream()
                .sorted(Comparator.comparing(SeriesRecord::updatedAt).reversed()
                        .thenComparing(s -> new Key(s.dataset(), s.name()), ORDER))
                .forEach(s -> {
                    if (out.size() < n) {
                        out.putIfAbsent(new Key(s.dataset(), s.name()), s);
                    }
                });
        return new ArrayList<>(out.values());
    }

    @Override
    public synchronized List<SpikeRecord> spikes(SpikeQuery q) {
        List<SpikeRecord> out = new ArrayList<>();
        int limit = Math.max(1, Math.min(q.limit(), MAX_SPIKES));
        for (int i = spikes.size() - 1; i >= 0 && out.size() < limit; i--) {
            SpikeRecord k = spikes.get(i);
            String collector = k.series().contains("/") ? k.series().substring(0, k.series().indexOf('/')) : k.series();
            if ((q.collector() == null || q.collector().equals(collector))
                    && (q.series() == null || q.series().equals(k.series()))
                    && (q.since() == null || !k.detectedAt().isBefore(q.since()))) {
                out.add(k);
            }
        }
        return out;
    }
}

package org.maomao.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.maomao.spike.SeriesStore;
import org.maomao.spike.SpikeExplanation;
import org.maomao.spike.SpikeRecord;

/** Series state and spikes in {@code mm_series} and {@code mm_spikes}. */
public final class JdbcSeriesStore implements SeriesStore {
    /** The most series one {@link #page} returns, whatever the caller asks. */
    public static final int MAX_PAGE = 10_000;
    /** Names per {@code IN (...)} list. */
    private static final int IN_CHUNK = 500;

    private final Jdbc jdbc;
    private final Clock clock;

    public JdbcSeriesStore(DataSource ds, Clock clock) {
        this.jdbc = new Jdbc(ds);
        this.clock = clock;
    }

    @Override
    public Optional<SeriesRecord> find(String dataset, String name) {
        return jdbc.one("SELECT * FROM mm_series WHERE dataset=? AND name=?", JdbcSeriesStore::map, dataset, name);
    }

    @Override
    public void save(SeriesRecord s, List<SpikeRecord> newSpikes) {
        jdbc.inTransactionRetryingDuplicates(c -> {
            write(c, s, newSpikes);
            return null;
        });
    }

    @Override
    public void replace(SeriesRecord s, List<SpikeRecord> spikes) {
        jdbc.inTransactionRetryingDuplicates(c -> {
            Jdbc.update(c, "DELETE FROM mm_spikes WHERE dataset=? AND series=?", s.dataset(), s.name());
            write(c, s, spikes);
            return null;
        });
    }

    private void write(java.sql.Connection c, SeriesRecord s, List<SpikeRecord> newSpikes) throws SQLException {
        {
            int n = Jdbc.update(c, "UPDATE mm_series SET detector_state=?, points=?, last_timestamp=?, last_value=?, "
                            + "updated_at=?, last_run=? WHERE dataset=? AND name=?", s.detectorState(), s.points(),
                    SeriesStore.storedTime(s.lastTimestamp()), s.lastValue(), clock.instant(), s.lastRun(), s.dataset(), s.name());
            if (n == 0) {
                Jdbc.update(c, "INSERT INTO mm_series (dataset, name, detector_state, points, last_timestamp, last_value, "
                                + "updated_at, last_run) VALUES (?,?,?,?,?,?,?,?)", s.dataset(), s.name(), s.detectorState(), s.points(),
                        SeriesStore.storedTime(s.lastTimestamp()), s.lastValue(), clock.instant(), s.lastRun());
            }
            for (SpikeRecord k : newSpikes) {
                SpikeExplanation e = k.explanation();
                Jdbc.update(c, "INSERT INTO mm_spikes (dataset, series, collector, ts, point_value, mean, deviation, z, direction, "
                                + "run_id, commit_id, detected_at, band_lower, band_upper, window_points, season) "
                                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", k.dataset(), k.series(),
                        collectorOf(k.series()), SeriesStore.storedTime(k.timestamp()), k.value(), k.mean(), k.deviation(), k.z(), k.direction(),
                        k.runId(), k.commit(), k.detectedAt(), e == null ? null : finiteOrNull(e.lower()),
                        e == null ? null : finiteOrNull(e.upper()), e == null ? null : e.window(),
                        e == null ? null : e.season().substring(0, Math.min(e.season().length(), SpikeExplanation.MAX_SEASON_LENGTH)));
            }
        }
    }

    @Override
    public List<SeriesRecord> page(String afterDataset, String afterName, int limit) {
        int n = Math.max(1, Math.min(limit, MAX_PAGE));
        if (afterDataset == null) {
            return jdbc.query("SELECT * FROM mm_series ORDER BY dataset, name LIMIT " + n, JdbcSeriesStore::map);
        }
        // keyset paging on the primary key: each page costs the same, however deep
        return jdbc.query("SELECT * FROM mm_series WHERE dataset>? OR (dataset=? AND name>?) ORDER BY dataset, name LIMIT " + n,
                JdbcSeriesStore::map, afterDataset, afterDataset, afterName == null ? "" : afterName);
    }

    @Override
    public long count() {
        return jdbc.one("SELECT COUNT(*) FROM mm_series", rs -> rs.getLong(1)).orElse(0L);
    }

    @Override
    public long count(String dataset, String collector) {
        return jdbc.one("SELECT COUNT(*) FROM mm_series WHERE dataset=? AND name LIKE ? ESCAPE '!'", rs -> rs.getLong(1),
                dataset, likePrefix(collector + "/")).orElse(0L);
    }

    @Override
    public long countExisting(String dataset, Collection<String> names) {
        List<String> all = List.copyOf(names);
        long found = 0;
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            List<Object> params = new ArrayList<>(chunk.size() + 1);
            params.add(dataset);
            params.addAll(chunk);
            found += jdbc.one("SELECT COUNT(*) FROM mm_series WHERE dataset=? AND name IN ("
                    + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")", rs -> rs.getLong(1),
                    params.toArray()).orElse(0L);
        }
        return found;
    }

    @Override
    public List<SeriesRecord> recent(int n) {
        Map<List<String>, SeriesRecord> out = new LinkedHashMap<>();
        // the series of the latest spikes, newest first (a bounded look at the end of mm_spikes)
        List<List<String>> spiked = jdbc.query("SELECT dataset, series FROM mm_spikes ORDER BY id DESC LIMIT " + (n * 20),
                rs -> List.of(rs.getString("dataset"), rs.getString("series")));
        for (List<String> key : spiked) {
            if (out.size() >= n) {
                break;
            }
            if (!out.containsKey(key)) {
                find(key.get(0), key.get(1)).ifPresent(s -> out.put(key, s));
            }
        }
        if (out.size() < n) {
            for (SeriesRecord s : jdbc.query("SELECT * FROM mm_series ORDER BY updated_at DESC, dataset, name LIMIT " + (2 * n),
                    JdbcSeriesStore::map)) {
                if (out.size() >= n) {
                    break;
                }
                out.putIfAbsent(List.of(s.dataset(), s.name()), s);
            }
        }
        return new ArrayList<>(out.values());
    }

    /** A LIKE pattern matching strings that start with {@code prefix} ('!' escapes the wildcards). */
    static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    @Override
    public List<SpikeRecord> spikes(SpikeQuery q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM mm_spikes WHERE 1=1");
        List<Object> params = new ArrayList<>();
        if (q.collector() != null) {
            sql.append(" AND collector=?");
            params.add(q.collector());
        }
        if (q.series() != null) {
            sql.append(" AND series=?");
            params.add(q.series());
        }
        if (q.since() != null) {
            sql.append(" AND detected_at>=?");
            params.add(q.since());
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(Math.max(1, Math.min(q.limit(), 1000)));
        return jdbc.query(sql.toString(), rs -> new SpikeRecord(rs.getLong("id"), rs.getString("dataset"),
                rs.getString("series"), rs.getString("ts"), rs.getDouble("point_value"), rs.getDouble("mean"),
                rs.getDouble("deviation"), rs.getDouble("z"), rs.getInt("direction"), rs.getString("run_id"),
                rs.getString("commit_id"), Jdbc.instant(rs, "detected_at"), explanation(rs)), params.toArray());
    }

    /** The stored band, window and season of a spike; null for a spike stored before they were kept. */
    private static SpikeExplanation explanation(ResultSet rs) throws SQLException {
        String season = rs.getString("season");
        if (season == null) {
            return null;
        }
        Double lower = Jdbc.dbl(rs, "band_lower");
        Double upper = Jdbc.dbl(rs, "band_upper");
        return new SpikeExplanation(lower == null ? Double.NEGATIVE_INFINITY : lower,
                upper == null ? Double.POSITIVE_INFINITY : upper, rs.getInt("window_points"), season);
    }

    /** A band edge as stored: an infinite edge (a deviation that overflowed) is stored as NULL. */
    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** A series is named {@code <collector>/<file>#<column>}. */
    static String collectorOf(String series) {
        int slash = series.indexOf('/');
        return slash < 0 ? series : series.substring(0, slash);
    }

    private static SeriesRecord map(ResultSet rs) throws SQLException {
        return new SeriesRecord(rs.getString("dataset"), rs.getString("name"), rs.getString("detector_state"),
                rs.getLong("points"), rs.getString("last_timestamp"), Jdbc.dbl(rs, "last_value"),
                Jdbc.instant(rs, "updated_at"), rs.getString("last_run"));
    }
}

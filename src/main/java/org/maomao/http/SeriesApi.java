package org.maomao.http;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.maomao.collector.Names;
import org.maomao.dataset.GitDatasets;
import org.maomao.spike.DatasetSeriesAnalyzer;
import org.maomao.spike.SeriesFiles;
import org.maomao.spike.SeriesPoint;
import org.maomao.spike.SeriesStore;

import io.javalin.http.Context;

/**
 * Series and spikes: {@code GET /spikes}, {@code GET /series} page by page, one series with its
 * points and spikes, and {@code POST /series/{id}/rescan}. A series id is {@link SeriesId}.
 */
final class SeriesApi implements Resource {
    /** Points one series answers unless {@code ?limit=} says otherwise, and the most it answers. */
    static final int DEFAULT_POINTS = 1000;
    static final int MAX_POINTS = 100_000;
    /** Spikes {@code GET /spikes} answers unless {@code ?limit=} says otherwise, the most it answers, and the most one series shows. */
    static final int DEFAULT_SPIKES = 100;
    static final int MAX_SPIKES = 1000;

    /** Series reads answered at once (see {@link #detail}); 8 at the largest limit stayed within a 512 MB heap. */
    static final int READERS = 4;
    private final BusyGate reading = new BusyGate(READERS, READERS + " series are being read; try again in a moment.");
    private final SeriesStore series;
    private final GitDatasets datasets;
    private final SeriesRescan rescan;
    /** Null when the daemon analyses no series (then a series answers no band). */
    private final DatasetSeriesAnalyzer analyzer;
    private final JsonViews views;

    /** {@code analyzer} is the one the runs use, so a re-scan and a run take turns per series; null offers no re-scan. */
    SeriesApi(SeriesStore series, GitDatasets datasets, DatasetSeriesAnalyzer analyzer, JsonViews views) {
        this.series = series;
        this.datasets = datasets;
        this.rescan = new SeriesRescan(series, datasets, analyzer);
        this.analyzer = analyzer;
        this.views = views;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/spikes", this::spikes);
        routes.get("/series", this::list);
        routes.get("/series/<id>", this::detail);
        routes.post("/series/<id>/rescan", ctx -> ctx.json(rescan.rescan(ctx.pathParam("id"))));
    }

    private void spikes(Context ctx) {
        int limit = QueryParams.count(ctx, "limit", DEFAULT_SPIKES, MAX_SPIKES);
        ctx.json(series.spikes(new SeriesStore.SpikeQuery(ctx.queryParam("collector"), ctx.queryParam("series"),
                QueryParams.instant(ctx, "since"), limit)).stream().map(views::spike).toList());
    }

    /**
     * Series in id order, a page at a time ({@code ?limit=}, default 100, at most 1000), so any
     * number of series can be listed without loading them all. {@code next} is the URL of the
     * next page ({@code ?after=} the last id of this one), null after the last page.
     */
    private void list(Context ctx) {
        int limit = QueryParams.count(ctx, "limit", SeriesPaging.DEFAULT_LIMIT, SeriesPaging.MAX_LIMIT);
        SeriesPaging.After after = SeriesPaging.after(ctx.queryParam("after"));
        String only = ctx.queryParam("dataset");
        if (only != null && !Names.isSeriesDataset(only)) {
            throw ApiException.badRequest("query parameter dataset=\"" + Texts.clip(only) + "\" is not a dataset name.");
        }
        List<SeriesStore.SeriesRecord> rows = SeriesPaging.collect(series, only, after, limit + 1);
        List<SeriesStore.SeriesRecord> page = rows.subList(0, Math.min(limit, rows.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("series", page.stream().map(views::series).toList());
        body.put("next", rows.size() > limit ? SeriesPaging.next(page.get(page.size() - 1), limit, only) : null);
        ctx.json(body);
    }

    /**
     * One series with what a plot needs: its latest points (read from the dataset's file, {@code ?limit=}),
     * the band the detector draws over them ({@code [timestamp, expected, lower, upper]} per point, see
     * {@link DatasetSeriesAnalyzer#band}) and its spikes.
     */
    private void detail(Context ctx) throws IOException {
        // Each read holds up to MAX_POINTS points, their band and their JSON (tens of MB): a few at a time,
        // so that many clients at once cannot run the daemon (and its scheduler) out of memory.
        reading.pass(() -> {
            detailRead(ctx);
            return null;
        });
    }

    private void detailRead(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        SeriesId sid = SeriesId.parse(id, datasets).orElseThrow(() -> SeriesId.unknown(id));
        SeriesStore.SeriesRecord rec = series.find(sid.dataset(), sid.name()).orElseThrow(() -> SeriesId.unknown(id));
        int limit = QueryParams.count(ctx, "limit", DEFAULT_POINTS, MAX_POINTS);
        List<SeriesPoint> read = List.of(); // a run's own series keeps no points but its detector's state
        if (!Names.RUNS_DATASET.equals(sid.dataset())) {
            Path path = datasets.datasetDir(sid.dataset()).resolve(sid.file()).normalize();
            if (!datasets.isDataFile(sid.dataset(), path)) {
                throw ApiException.notFound("series \"" + id + "\" does not exist.");
            }
            read = SeriesFiles.tail(path, sid.column(), limit + DatasetSeriesAnalyzer.BAND_WARM_UP);
        }
        List<SeriesPoint> points = read.subList(Math.max(0, read.size() - limit), read.size());
        Map<String, Object> body = new LinkedHashMap<>(views.series(rec));
        body.put("point_count", rec.points()); // "points" is the points themselves here
        body.put("points", points.stream().map(p -> List.of(p.timestamp(), p.value())).toList());
        body.put("band", analyzer == null ? null : analyzer.band(sid.name(), read, points.size()).stream()
                .map(b -> java.util.Arrays.asList(b.timestamp(), b.expected(), b.lower(), b.upper())).toList());
        body.put("spikes", series.spikes(new SeriesStore.SpikeQuery(null, sid.name(), null, MAX_SPIKES)).stream()
                .filter(k -> k.dataset().equals(sid.dataset())).map(views::spike).toList());
        ctx.json(body);
    }
}

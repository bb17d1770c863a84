package org.maomao.http;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.maomao.collector.Names;
import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.dataset.GitDatasets;
import org.maomao.run.Run;
import org.maomao.run.RunQuery;
import org.maomao.run.RunStore;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.Schedule;
import org.maomao.spike.DatasetSeriesAnalyzer;
import org.maomao.spike.SeriesFiles;
import org.maomao.spike.SeriesPoint;
import org.maomao.spike.SeriesStore;
import org.maomao.spike.SpikeRecord;

/**
 * The status page at {@code GET /}: components, collectors, schedules with their next
 * fire times, recent runs, and the series with the latest spikes or data as small SVG plots
 * with their spikes marked (a few of them, with the count and a link to {@code /series}).
 * Each run links to its page ({@link RunPage}) and shows its duration; each collector shows
 * the durations of its last runs. Everything is rendered here, with no script or style from
 * elsewhere (no CDN); a Refresh button and a 30-second auto-refresh keep it current.
 */
final class StatusPage {
    /** Series drawn on the page, and points per plot. */
    static final int MAX_PLOTS = 12;
    static final int POINTS = 300;
    /** Collectors that get a duration history: each costs a query. */
    static final int MAX_HISTORIES = 200;

    private final CollectorRegistry registry;
    private final QuartzRunScheduler scheduler;
    private final RunStore runs;
    private final SeriesStore series;
    private final DatasetSeriesAnalyzer analyzer;
    private final GitDatasets datasets;
    private final Supplier<List<Schedule>> late;
    private org.maomao.cluster.Members members;

    StatusPage(CollectorRegistry registry, QuartzRunScheduler scheduler, RunStore runs, SeriesStore series,
               GitDatasets datasets, Supplier<List<Schedule>> late) {
        this(registry, scheduler, runs, series, datasets, late, null);
    }

    /** {@code analyzer} draws the detector's band behind each plot; null draws none. */
    StatusPage(CollectorRegistry registry, QuartzRunScheduler scheduler, RunStore runs, SeriesStore series,
               GitDatasets datasets, Supplier<List<Schedule>> late, DatasetSeriesAnalyzer analyzer) {
        this.analyzer = analyzer;
        this.late = late == null ? List::of : late;
        this.registry = registry;
        this.scheduler = scheduler;
        this.runs = runs;
        this.series = series;
        this.datasets = datasets;
    }

    /** Adds the Members table (see {@link MembersSection}). */
    StatusPage showMembers(org.maomao.cluster.Members members) {
        this.members = members;
        return this;
    }

    String render(Map<String, String> health) throws IOException {
        StringBuilder h = new StringBuilder(16_384);
        h.append("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>maomao</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>
                body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
                h1{margin:0 0 .2em}h2{margin:1.2em 0 .4em;font-size:1.1em}
                table{border-collapse:collapse;background:#fff}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left;font-size:.9em}
                .up,.succeeded{color:#17803d}.down,.failed,.timed_out{color:#c0262d}.disabled,.skipped,.cancelled{color:#888}
                .running,.queued,.retrying{color:#b26b00}.late td{color:#c0262d;font-weight:bold}
                .plots{display:flex;flex-wrap:wrap;gap:12px}.plot{background:#fff;border:1px solid #e3e3e3;padding:6px}
                .plot div{font-size:.8em;margin-bottom:2px}button{font-size:.9em}
                svg.durations{background:#f0f0f0;vertical-align:middle}.median{font-size:.85em;color:#555}
                </style></head><body>
                <h1>maomao</h1>
                <p><button id="refresh" onclick="location.reload()">Refresh</button>
                <label><input type="checkbox" id="auto" checked> auto-refresh every 30 s</label></p>
                <script>setInterval(function(){if(document.getElementById('auto').checked){location.reload();}},30000);</script>
                """);
        h.append("<h2>Components</h2><table id=\"components\"><tr>");
        health.forEach((k, v) -> h.append("<th>").append(esc(k)).append("</th>"));
        h.append("</tr><tr>");
        health.forEach((k, v) -> h.append("<td class=\"").append(esc(v)).append("\">").append(esc(v)).append("</td>"));
        h.append("</tr></table>");
        MembersSection.render(h, members);

        h.append("<h2>Collectors</h2><table id=\"collectors\"><tr><th>name</th><th>image</th><th>dataset</th><th>source</th>"
                + "<th>durations</th></tr>");
        int histories = 0;
        for (Collector c : registry.list()) {
            h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(esc(c.image())).append("</td><td>")
                    .append(esc(c.dataset())).append("</td><td>").append(esc(c.source())).append("</td><td>")
                    // one indexed query per collector: bounded, so that any number of collectors keeps the page fast
                    .append(histories++ < MAX_HISTORIES ? RunDurations.sparkline(runs.list(
                            new RunQuery(c.name(), null, null, RunDurations.HISTORY))) : "").append("</td></tr>");
        }
        h.append("</table>");

        h.append("<h2>Schedules</h2><table id=\"schedules\"><tr><th>id</th><th>frequency</th><th>next fire</th>"
                + "<th>time zone</th><th></th></tr>");
        Set<String> lateIds = late.get().stream().map(Schedule::id).collect(Collectors.toSet());
        for (Schedule s : scheduler.list()) {
            boolean isLate = lateIds.contains(s.id());
            h.append(isLate ? "<tr class=\"late\"><td>" : "<tr><td>").append(esc(s.id())).append("</td><td>")
                    .append(esc(s.frequency())).append("</td><td>")
                    .append(s.nextFireTimes().isEmpty() ? "-" : s.nextFireTimes().get(0)).append("</td><td>")
                    .append(esc(s.timezone())).append("</td><td>")
                    .append(s.paused() ? "paused" : isLate ? "late: has not fired" : "").append("</td></tr>");
        }
        h.append("</table>");

        h.append("<h2>Recent runs</h2><table id=\"runs\"><tr><th>run</th><th>collector</th><th>dataset</th><th>state</th>"
                + "<th>attempt</th><th>created</th><th>duration</th><th>message</th><th></th></tr>");
        Instant now = Instant.now();
        for (Run r : runs.list(new RunQuery(null, null, null, 20))) {
            h.append("<tr><td><a class=\"run\" href=\"/runs/").append(esc(r.id())).append("\">").append(esc(r.id().substring(0, 8)))
                    .append("</a></td><td>").append(esc(r.collector())).append("</td><td>").append(esc(r.dataset()))
                    .append("</td><td class=\"").append(r.state().id()).append("\">").append(r.state().id())
                    .append("</td><td>").append(r.attempt()).append('/').append(r.maxAttempts()).append("</td><td>")
                    .append(r.createdAt()).append("</td><td class=\"duration\">").append(esc(RunDurations.text(r, now)))
                    .append("</td><td>").append(esc(r.message() == null ? "" : r.message()))
                    .append("</td><td><a href=\"/runs/").append(esc(r.id())).append("/log\">log</a></td></tr>");
        }
        h.append("</table>");

        // only a few series are drawn, chosen by the store without reading them all: the page
        // must stay fast with any number of series (GET /series lists them page by page)
        long total = series.count();
        // the runs' own series have no file to draw from: their spikes are listed by /spikes
        List<SeriesStore.SeriesRecord> shown = total == 0 ? List.of() : series.recent(3 * MAX_PLOTS).stream()
                .filter(s -> !Names.RUNS_DATASET.equals(s.dataset())).limit(MAX_PLOTS).toList();
        h.append("<h2>Series</h2><p id=\"series-count\">").append(total).append(" series");
        if (total > shown.size()) {
            h.append("; the ").append(shown.size()).append(" with the latest spikes or data are plotted");
        }
        h.append(". <a href=\"/series\">All series</a> (JSON, paged).</p><div class=\"plots\" id=\"series\">");
        for (SeriesStore.SeriesRecord s : shown) {
            plot(h, s);
        }
        if (total == 0) {
            h.append("<p>No numeric series yet: they appear after a run writes CSV rows into a dataset.</p>");
        }
        h.append("</div></body></html>");
        return h.toString();
    }

    private void plot(StringBuilder h, SeriesStore.SeriesRecord s) throws IOException {
        String name = s.name();
        SeriesId sid = SeriesId.parse(s.dataset() + "/" + name, datasets).orElse(null);
        Path file = sid == null ? null : datasets.datasetDir(s.dataset()).resolve(sid.file()).normalize();
        List<SeriesPoint> read = file != null && datasets.isDataFile(s.dataset(), file)
                ? SeriesFiles.tail(file, sid.column(), POINTS + DatasetSeriesAnalyzer.BAND_WARM_UP) : List.of();
        int shown = Math.min(POINTS, read.size());
        List<DatasetSeriesAnalyzer.BandPoint> points = analyzer != null ? analyzer.band(name, read, shown)
                : read.subList(read.size() - shown, read.size()).stream()
                        .map(p -> new DatasetSeriesAnalyzer.BandPoint(p.timestamp(), p.value(), null, null, null)).toList();
        Set<String> spikeTimes = new HashSet<>();
        List<SpikeRecord> spikes = series.spikes(new SeriesStore.SpikeQuery(null, name, null, 1000));
        for (SpikeRecord k : spikes) {
            if (k.dataset().equals(s.dataset())) {
                spikeTimes.add(SeriesPlot.key(k.timestamp(), k.value()));
            }
        }
        h.append("<div class=\"plot\"><div>").append(esc(s.dataset() + "/" + name)).append(" · ").append(s.points())
                .append(" points · ").append(spikeTimes.size()).append(spikeTimes.size() == 1 ? " spike" : " spikes")
                .append("</div>");
        SeriesPlot.draw(h, name, points, spikeTimes);
        h.append("</div>");
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

package org.maomao.run;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.maomao.spike.SeriesAnalyzer;
import org.maomao.spike.SpikeJson;
import org.maomao.spike.SpikeNotifier;
import org.maomao.spike.SpikeRecord;
import org.maomao.spike.TableRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the rows a commit added to the spike detector; each spike found is counted,
 * given to every notifier (webhook, etcd) and stored as a {@code spike} event, and an
 * {@code analysed} event closes the step. A notifier that fails does not fail the run.
 */
final class Analysis {
    private static final Logger log = LoggerFactory.getLogger(Analysis.class);

    private final RunStore store;
    private final SeriesAnalyzer analyzer;
    private final RunMetrics metrics;
    private final List<SpikeNotifier> notifiers = new CopyOnWriteArrayList<>();

    Analysis(RunStore store, SeriesAnalyzer analyzer, RunMetrics metrics) {
        this.store = store;
        this.analyzer = analyzer;
        this.metrics = metrics;
    }

    void addNotifier(SpikeNotifier notifier) {
        notifiers.add(notifier);
    }

    /**
     * Analyses the rows {@code commit} added. For a commit made before a crash ({@code earlier}),
     * a stored {@code analysed} event means it was done then, and is not done twice.
     */
    void analyse(Run r, String commit, List<TableRows> tables, boolean earlier) {
        if (earlier && store.events(r.id()).stream().anyMatch(e -> "analysed".equals(e.type()))) {
            return;
        }
        int rows = tables.stream().mapToInt(t -> t.rows().size()).sum();
        List<SpikeRecord> spikes;
        try {
            spikes = detect(r, r.dataset(), tables, commit);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // The rows are committed and the run succeeded; its analysis failing must neither leave the run
            // running (an Error escaped the worker before) nor be tried again at every start (recovery runs
            // it on the main thread, before the daemon listens). Said in the run's events and the log.
            log.error("run {} of {}: the rows of commit {} were not analysed: {}", r.id(), r.collector(), commit, e.toString());
            store.addEvent(r.id(), "analysed", EventJson.of(Map.of("tables", tables.size(), "rows", rows,
                    "error", String.valueOf(e))));
            return;
        }
        store.addEvent(r.id(), "analysed", EventJson.of(Map.of("tables", tables.size(), "rows", rows, "spikes", spikes.size())));
    }

    /**
     * Feeds a run's own figures (duration, rows, bytes, exit code: {@link RunSeries}) to the
     * detector, under the reserved dataset {@link RunSeries#DATASET}; spikes go out as any other.
     */
    void analyseFigures(Run r, TableRows figures) {
        detect(r, RunSeries.DATASET, List.of(figures), null);
    }

    private List<SpikeRecord> detect(Run r, String dataset, List<TableRows> tables, String commit) {
        List<SpikeRecord> spikes = analyzer.analyze(dataset, r.collector(), tables, r.id(), commit);
        for (SpikeRecord s : spikes) {
            metrics.spike(s, r.collector());
            for (SpikeNotifier n : notifiers) {
                try {
                    n.notify(s);
                } catch (RuntimeException e) {
                    log.warn("spike notifier {} failed: {}", n.getClass().getSimpleName(), e.getMessage());
                }
            }
            store.addEvent(r.id(), "spike", SpikeJson.text(s));
        }
        return spikes;
    }
}

package org.maomao.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.maomao.dataset.GitDatasets;
import org.maomao.spike.DatasetSeriesAnalyzer;
import org.maomao.spike.SeriesStore;

/**
 * {@code POST /series/{id}/rescan}: recomputes one series' spikes over its whole history (the
 * dataset file) with the collector's current settings, and answers the new counts.
 */
final class SeriesRescan {
    private final SeriesStore series;
    private final GitDatasets datasets;
    /** Null when the daemon offers no re-scan. */
    private final DatasetSeriesAnalyzer analyzer;
    /** One re-scan at a time: each reads a whole file, so a client cannot make the daemon read many at once. */
    private final BusyGate rescanning = new BusyGate(1, "another re-scan is running; try again when it has finished.");

    SeriesRescan(SeriesStore series, GitDatasets datasets, DatasetSeriesAnalyzer analyzer) {
        this.series = series;
        this.datasets = datasets;
        this.analyzer = analyzer;
    }

    Map<String, Object> rescan(String id) {
        SeriesId sid = SeriesId.parse(id, datasets)
                .filter(s -> series.find(s.dataset(), s.name()).isPresent()).orElseThrow(() -> SeriesId.unknown(id));
        if (analyzer == null) {
            throw new ApiException(503, "unavailable", "this daemon cannot re-scan series.");
        }
        if (org.maomao.collector.Names.RUNS_DATASET.equals(sid.dataset())) {
            throw new ApiException(409, "conflict", "series \"" + id + "\" is one of the runs' own figures, kept in no "
                    + "file: it has no history to re-scan; its stored spikes were left as they are.");
        }
        Path path = datasets.datasetDir(sid.dataset()).resolve(sid.file()).normalize();
        if (!SeriesId.isRegularDataFile(datasets, sid.dataset(), sid.file())) {
            throw new ApiException(409, "conflict", "series \"" + id + "\" has no file to re-scan: " + sid.file()
                    + " is gone from dataset " + sid.dataset() + "; its stored spikes were left as they are.");
        }
        return rescanning.pass(() -> {
            try {
                long size = Files.size(path);
                if (size > DatasetSeriesAnalyzer.MAX_RESCAN_BYTES) {
                    throw new ApiException(413, "too_large", sid.file() + " is " + size + " bytes, more than the "
                            + DatasetSeriesAnalyzer.MAX_RESCAN_BYTES + " a re-scan reads; nothing was changed.");
                }
                DatasetSeriesAnalyzer.Rescan result = analyzer.rescan(sid.dataset(), sid.name(), sid.column(), path);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", id);
                body.put("points", result.points());
                body.put("spikes", result.spikes());
                body.put("skipped", result.skipped());
                return body;
            } catch (DatasetSeriesAnalyzer.RescanException e) {
                throw new ApiException(409, "conflict", e.getMessage());
            } catch (IOException e) {
                throw new ApiException(409, "conflict", "series \"" + id + "\" cannot be re-scanned: " + e.getMessage()
                        + "; nothing was changed.");
            }
        });
    }
}

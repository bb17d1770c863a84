package org.maomao.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.maomao.spike.TableRows;

/**
 * Datasets in memory: an ingest reads the CSV files of /output as tables, lets the request's
 * check refuse them, and "commits" at most once per run (a second ingest of the run returns
 * its commit as earlier), as {@code GitDatasets} does.
 */
final class FakeDatasets implements DatasetWriter {
    private final Path root;
    /** Run id → commit, and commit → its tables. */
    final Map<String, String> commits = new HashMap<>();
    final Map<String, List<TableRows>> tables = new HashMap<>();
    int ingests;
    /** When set, every ingest fails with it. */
    String failWith;
    /** When set, bringing a dataset up to its remote (before /input is taken) fails with it, once. */
    String catchUpFailsWith;
    int catchUps;

    FakeDatasets(Path root) {
        this.root = root;
    }

    /** Records a commit of {@code runId} as if an earlier process had made it. */
    String commitMadeBefore(String runId, List<TableRows> rows) {
        String commit = "c" + (commits.size() + 1);
        commits.put(runId, commit);
        tables.put(commit, rows);
        return commit;
    }

    @Override
    public synchronized void catchUp(String dataset) throws IngestException {
        catchUps++;
        String fail = catchUpFailsWith;
        catchUpFailsWith = null;
        if (fail != null) {
            throw new IngestException(fail, null);
        }
    }

    @Override
    public synchronized IngestResult ingest(IngestRequest request) throws IngestException {
        ingests++;
        if (failWith != null) {
            throw new IngestException(failWith, null);
        }
        String earlier = commits.get(request.runId());
        if (earlier != null) {
            return new IngestResult(earlier, tables.get(earlier), true);
        }
        List<TableRows> read = read(request.outputDir());
        request.check().check(read);
        if (read.isEmpty()) {
            return new IngestResult(null, read);
        }
        return new IngestResult(commitMadeBefore(request.runId(), read), read);
    }

    private static List<TableRows> read(Path output) {
        List<TableRows> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                if (f.toString().endsWith(".csv") && !lines.isEmpty()) {
                    out.add(new TableRows(f.getFileName().toString(), lines.get(0), lines.subList(1, lines.size())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public Optional<String> commitOf(String dataset, String runId, Instant submittedAt) {
        return Optional.ofNullable(commits.get(runId));
    }

    @Override
    public List<TableRows> tablesOf(String dataset, String collector, String commit) {
        return tables.getOrDefault(commit, List.of());
    }

    @Override
    public Path collectorFolder(String dataset, String collector) {
        return datasetDir(dataset).resolve(collector);
    }

    @Override
    public Path datasetDir(String dataset) {
        return root.resolve(dataset);
    }
}

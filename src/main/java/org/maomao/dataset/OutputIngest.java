package org.maomao.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.maomao.collector.RunPolicy.OutputMode;
import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.run.DatasetWriter.TableRows;

/**
 * Plans how a run's /output folder lands in the collector's dataset folder, checking
 * everything (file types, names, CSV headers, line lengths) before a single byte is written.
 * The new rows of each CSV and JSONL file are reported as {@link TableRows} (a JSONL's header is
 * "") so that the series limits can be checked before the commit and the rows analysed after it.
 */
final class OutputIngest {
    private OutputIngest() {
    }

    /** One file's move into the dataset. */
    private record Step(Path source, Path target, Kind kind, String relative) {
    }

    private enum Kind { APPEND_CSV, APPEND_LINES, REPLACE }

    /** The checked steps and the CSV rows that will be new after applying them. */
    static final class Plan {
        private final List<Step> steps;
        private final List<TableRows> tables;

        private final Path datasetDir;

        private Plan(List<Step> steps, List<TableRows> tables, Path datasetDir) {
            this.steps = steps;
            this.tables = tables;
            this.datasetDir = datasetDir;
        }

        /** The files the plan writes, relative to the dataset and with '/' (as git names them). */
        List<String> written() {
            return steps.stream().map(s -> datasetDir.relativize(s.target()).toString().replace('\\', '/')).toList();
        }

        List<TableRows> tables() {
            return tables;
        }

        void apply() throws IOException {
            for (Step s : steps) {
                DatasetPaths.createFolders(datasetDir, s.target().getParent());
                switch (s.kind()) {
                    // REPLACE_EXISTING unlinks the target first: a link there is removed, never written through
                    case REPLACE -> Files.copy(s.source(), s.target(), StandardCopyOption.REPLACE_EXISTING,
                            LinkOption.NOFOLLOW_LINKS);
                    case APPEND_CSV -> append(s.source(), s.target(), true);
                    case APPEND_LINES -> append(s.source(), s.target(), false);
                    default -> throw new IllegalStateException();
                }
            }
        }
    }

    static Plan plan(Path output, Path collectorFolder, OutputMode mode) throws IngestException {
        List<Step> steps = new ArrayList<>();
        List<TableRows> tables = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(output)) {
            files = walk.filter(p -> !p.equals(output)).sorted().toList();
        } catch (IOException e) {
            throw new IngestException("cannot read the run's output: " + e.getMessage(), e);
        }
        for (Path p : files) {
            String rel = output.relativize(p).toString();
            if (Files.isSymbolicLink(p)) {
                throw new IngestException("output " + rel + " is a symbolic link; a collector must write regular files", null);
            }
            for (Path part : output.relativize(p)) {
                if (DatasetPaths.isGitControlName(part.toString())) {
                    throw new IngestException("output " + rel + " uses the reserved name " + part + " (git's own files "
                            + ".git, .gitignore, .gitattributes and .gitmodules may not come from a run); nothing was "
                            + "committed", null);
                }
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IngestException("output " + rel + " is not a regular file", null);
            }
            Path target = collectorFolder.resolve(rel);
            DatasetPaths.requireNoLinks(collectorFolder.getParent(), target);
            String lower = rel.toLowerCase(Locale.ROOT);
            boolean csv = lower.endsWith(".csv");
            boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
            if (csv) {
                List<String> newLines = readLines(p, rel);
                if (newLines.isEmpty()) {
                    continue;
                }
                String header = newLines.get(0);
                List<String> rows = dataRows(newLines);
                if (exists) {
                    // appending reads only the existing header, so ingest cost does not grow with the dataset
                    String oldHeader = firstLine(target, rel);
                    if (mode == OutputMode.APPEND) {
                        if (oldHeader != null && !oldHeader.equals(header)) {
                            throw new IngestException("output " + rel + " has the CSV header \"" + header
                                    + "\" but the dataset's file has \"" + oldHeader + "\"; write the same columns, "
                                    + "or set output = replace for this collector", null);
                        }
                        steps.add(new Step(p, target, oldHeader == null ? Kind.REPLACE : Kind.APPEND_CSV, rel));
                        tables.add(new TableRows(rel, header, rows));
                    } else {
                        steps.add(new Step(p, target, Kind.REPLACE, rel));
                        // a replaced table that grew: only its rows past the old end are new
                        int seen = header.equals(oldHeader) ? dataRows(readLines(target, rel)).size() : 0;
                        tables.add(new TableRows(rel, header, rows.subList(Math.min(seen, rows.size()), rows.size())));
                    }
                } else {
                    steps.add(new Step(p, target, Kind.REPLACE, rel));
                    tables.add(new TableRows(rel, header, rows));
                }
            } else if (lower.endsWith(".jsonl")) {
                // each non-blank line is a row; the analyser checks them (one JSON object each, bounded fields)
                List<String> rows = nonBlank(readLines(p, rel));
                if (mode == OutputMode.APPEND && exists) {
                    steps.add(new Step(p, target, Kind.APPEND_LINES, rel));
                    tables.add(new TableRows(rel, "", rows));
                } else {
                    steps.add(new Step(p, target, Kind.REPLACE, rel));
                    // a replaced file that grew: only its lines past the old end are new (as CommittedTables counts)
                    int seen = exists ? nonBlank(readLines(target, rel)).size() : 0;
                    tables.add(new TableRows(rel, "", rows.subList(Math.min(seen, rows.size()), rows.size())));
                }
            } else {
                steps.add(new Step(p, target, Kind.REPLACE, rel));
            }
        }
        return new Plan(steps, tables, collectorFolder.getParent());
    }

    private static List<String> nonBlank(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank()).toList();
    }

    private static List<String> dataRows(List<String> lines) {
        return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
    }

    private static String firstLine(Path p, String rel) throws IngestException {
        try {
            return BoundedLines.first(p);
        } catch (BoundedLines.LineTooLongException e) {
            throw new IngestException("the dataset's " + rel + " has a header line longer than " + BoundedLines.MAX_LINE_CHARS
                    + " characters; fix or remove that file in the dataset. Nothing was committed.", e);
        } catch (IOException e) {
            throw new IngestException("the dataset's " + rel + " is not UTF-8 text: " + e.getMessage(), e);
        }
    }

    private static List<String> readLines(Path p, String rel) throws IngestException {
        try {
            return BoundedLines.read(p);
        } catch (BoundedLines.LineTooLongException e) {
            throw new IngestException("output " + rel + ": " + e.getMessage() + ", more than a CSV or JSONL "
                    + "line may have; write shorter lines. Nothing was committed.", e);
        } catch (IOException e) {
            throw new IngestException("output " + rel + " is not UTF-8 text: " + e.getMessage(), e);
        }
    }

    /** Appends {@code source} to {@code target}, dropping the header line of a CSV. */
    private static void append(Path source, Path target, boolean skipHeader) throws IOException {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        List<String> body = skipHeader ? lines.subList(1, lines.size()) : lines;
        StringBuilder sb = new StringBuilder();
        if (Files.size(target) > 0 && !endsWithNewline(target)) {
            sb.append('\n');
        }
        for (String l : body) {
            if (!l.isBlank()) {
                sb.append(l).append('\n');
            }
        }
        Files.writeString(target, sb, StandardCharsets.UTF_8, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean endsWithNewline(Path p) {
        try (var ch = Files.newByteChannel(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.position(ch.size() - 1);
            var b = java.nio.ByteBuffer.allocate(1);
            ch.read(b);
            return b.get(0) == '\n';
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

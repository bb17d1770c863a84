package org.maomao.dataset;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.maomao.collector.RunPolicy.OutputMode;
import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.spike.TableRows;

/**
 * Plans how a run's /output folder lands in the collector's dataset folder, checking
 * everything (file types, names, CSV headers, line lengths) before a single byte is written.
 * The new rows of each CSV and JSONL file are reported as {@link TableRows} (a JSONL's header is
 * "") so that the series limits can be checked before the commit and the rows analysed after it.
 */
final class OutputIngest {
    private OutputIngest() {
    }

    /**
     * One pass over a CSV in bounded memory: its header, and its non-blank data rows counted, the newest
     * of them kept within {@code budget} ({@link RowTail}). A NUL byte or text that is not UTF-8 is
     * refused: a CSV is text.
     */
    private record Csv(String header, RowTail tail) {
        long rows() {
            return tail.seen();
        }

        static Csv scan(Path p, String what, RowTail.Budget budget) throws IngestException {
            try (BoundedLines.Reader r = BoundedLines.reader(p)) {
                RowTail tail = budget.tail();
                String header = strip(r.readLine());
                if (header == null) {
                    return new Csv(null, tail);
                }
                requireText(header, what);
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    requireText(l, what);
                    if (!l.isBlank()) {
                        tail.add(strip(l));
                    }
                }
                return new Csv(header, tail);
            } catch (BoundedLines.LineTooLongException e) {
                throw new IngestException(what + ": " + e.getMessage() + ", more than a CSV line may have; "
                        + "write shorter lines. Nothing was committed.", e);
            } catch (IOException e) {
                throw new IngestException(what + " is not UTF-8 text: " + e.getMessage() + "; nothing was committed", e);
            }
        }

        /** The kept rows whose index (0 = first data row) is {@code from} or later. */
        List<String> rowsFrom(long from) {
            return tail.from(from);
        }

        private static String strip(String line) {
            return line != null && line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }

        private static void requireText(String line, String what) throws IngestException {
            if (line.indexOf('\0') >= 0) {
                throw new IngestException(what + " holds a NUL byte: a CSV is text; nothing was committed", null);
            }
        }
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
                    case REPLACE -> replace(s.source(), s.target());
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
        RowTail.Budget budget = RowTail.Budget.perRun();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(output)) {
            files = walk.filter(p -> !p.equals(output)).sorted().toList();
        } catch (IOException e) {
            throw new IngestException("cannot read the run's output: " + e.getMessage(), e);
        }
        // names first: a refused name is reported whatever else is wrong with the output
        OutputNames.check(output, collectorFolder, files);
        for (Path p : files) {
            String rel = output.relativize(p).toString();
            if (Files.isSymbolicLink(p)) {
                throw new IngestException("output " + rel + " is a symbolic link; a collector must write regular files", null);
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
                Csv fresh = Csv.scan(p, "output " + rel, budget);
                if (fresh.header() == null) {
                    continue;
                }
                String header = fresh.header();
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
                        tables.add(new TableRows(rel, header, fresh.rowsFrom(0)));
                    } else {
                        steps.add(new Step(p, target, Kind.REPLACE, rel));
                        // a replaced table that grew: only its rows past the old end are new
                        long seen = header.equals(oldHeader) ? Csv.scan(target, "the dataset's " + rel, new RowTail.Budget(0)).rows() : 0;
                        tables.add(new TableRows(rel, header, fresh.rowsFrom(seen)));
                    }
                } else {
                    steps.add(new Step(p, target, Kind.REPLACE, rel));
                    tables.add(new TableRows(rel, header, fresh.rowsFrom(0)));
                }
            } else if (lower.endsWith(".jsonl")) {
                // each non-blank line is a row; the analyser checks them (one JSON object each, bounded fields)
                RowTail rows = lines(p, rel, budget);
                if (mode == OutputMode.APPEND && exists) {
                    steps.add(new Step(p, target, Kind.APPEND_LINES, rel));
                    tables.add(new TableRows(rel, "", rows.from(0)));
                } else {
                    steps.add(new Step(p, target, Kind.REPLACE, rel));
                    // a replaced file that grew: only its lines past the old end are new (as CommittedTables counts)
                    long seen = exists ? lines(target, rel, new RowTail.Budget(0)).seen() : 0;
                    tables.add(new TableRows(rel, "", rows.from(seen)));
                }
            } else {
                steps.add(new Step(p, target, Kind.REPLACE, rel));
            }
        }
        return new Plan(steps, tables, collectorFolder.getParent());
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

    /** The non-blank lines of {@code p}, counted, the newest kept within {@code budget}. */
    private static RowTail lines(Path p, String rel, RowTail.Budget budget) throws IngestException {
        try (BoundedLines.Reader r = BoundedLines.reader(p)) {
            RowTail tail = budget.tail();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (!l.isBlank()) {
                    tail.add(l);
                }
            }
            return tail;
        } catch (BoundedLines.LineTooLongException e) {
            throw new IngestException("output " + rel + ": " + e.getMessage() + ", more than a CSV or JSONL "
                    + "line may have; write shorter lines. Nothing was committed.", e);
        } catch (IOException e) {
            throw new IngestException("output " + rel + " is not UTF-8 text: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code source} as a new file {@code target} with mode 644, or 755 when the source
     * is executable by its owner (all git records). A copy would keep the collector's mode bits,
     * and the daemon (often root) would own a setuid or world-writable file in the dataset.
     */
    private static void replace(Path source, Path target) throws IOException {
        // the old file is unlinked, never written through: a link there is removed, its target untouched
        Files.deleteIfExists(target);
        boolean executable = Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS)
                .contains(PosixFilePermission.OWNER_EXECUTE);
        try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS)) {
            in.transferTo(out);
        }
        Files.getFileAttributeView(target, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }

    /** Appends {@code source} to {@code target} line by line, dropping the header line of a CSV. */
    private static void append(Path source, Path target, boolean skipHeader) throws IOException {
        boolean newline = Files.size(target) > 0 && !endsWithNewline(target);
        try (BoundedLines.Reader in = BoundedLines.reader(source);
             Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(target, StandardOpenOption.APPEND,
                     LinkOption.NOFOLLOW_LINKS), StandardCharsets.UTF_8))) {
            if (newline) {
                out.write('\n');
            }
            String l = in.readLine();
            if (skipHeader && l != null) {
                l = in.readLine();
            }
            for (; l != null; l = in.readLine()) {
                if (!l.isBlank()) {
                    out.write(l);
                    out.write('\n');
                }
            }
        }
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

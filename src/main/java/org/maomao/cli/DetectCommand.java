package org.maomao.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.maomao.spike.CsvSeriesReader;
import org.maomao.spike.Detection;
import org.maomao.spike.DetectorState;
import org.maomao.spike.JsonlSeriesReader;
import org.maomao.spike.SeriesPoint;
import org.maomao.spike.SeriesTime;
import org.maomao.spike.SpikeBand;
import org.maomao.spike.SpikeDetector;
import org.maomao.spike.SpikeParameters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code maomao detect FILE.csv}: runs the daemon's spike detector offline over one series of a CSV
 * file and prints {@code timestamp,value,score,spike} for every row of that series, so detector
 * settings can be tried on data before they go into {@code [spike]}.
 */
@Command(name = "detect",
        description = {
                "Runs the spike detector over one numeric column of a CSV file and prints",
                "timestamp,value,score,spike for each of its rows (spike: 1 up, -1 down, 0 none).",
                "Takes the daemon's [spike] settings as options, with the same defaults.",
                "The time column is 'timestamp', 'time' or 'date', else the first column (JSON Lines:",
                "else the first field holding an ISO-8601 date-time).",
                "--json prints one JSON object per row instead (JSON lines), with the --explain fields."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the file could not be read", "2:usage error (bad option, file, column or setting)"})
public final class DetectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV file with a header row, or JSON Lines (.jsonl).")
    Path file;

    @Option(names = "--column", paramLabel = "NAME",
            description = "Numeric column (JSON Lines: field, nested as a.b) to scan (default: the first numeric one "
                    + "other than the time column).")
    String column;

    @Option(names = "--method", paramLabel = "METHOD",
            description = "likelihood (z-score plus an anomaly likelihood over the recent scores), zscore "
                    + "(mean/standard deviation) or robust (median/MAD) (default: likelihood).")
    String method;

    @Option(names = "--lag", paramLabel = "SPAN|POINTS",
            description = "Window a point is judged against: a span such as 6h or 7d, or a number of points "
                    + "(default: 6h).")
    String lag;

    @Option(names = "--threshold", paramLabel = "DEVIATIONS",
            description = "Deviations from the window's centre that make a spike (default: 4).")
    String threshold;

    @Option(names = "--influence", paramLabel = "0..1",
            description = "Weight with which a spike enters the window (default: 0).")
    String influence;

    @Option(names = "--min-deviation", paramLabel = "VALUE",
            description = "Smallest deviation, in the units of the series (default: 1e-6).")
    String minDeviation;

    @Option(names = "--cooldown", paramLabel = "SPAN|POINTS",
            description = "Quiet time after a spike before the next one (method zscore and robust: in the same "
                    + "direction; likelihood: of any kind): a span such as 1d or a number of points (default: 12h).")
    String cooldown;

    @Option(names = "--min-points", paramLabel = "POINTS",
            description = "Points a series needs before its first score (default: 30).")
    String minPoints;

    @Option(names = "--season", paramLabel = "SEASON",
            description = "none, auto (remove a daily cycle when there is one), daily, weekly, a period such as 1d, "
                    + "or a number of points (default: auto).")
    String season;

    @Option(names = "--history", paramLabel = "SPAN|POINTS",
            description = "For method likelihood: span over which the usual level of the recent scores is learnt "
                    + "(default: 2d).")
    String history;

    @Option(names = "--likelihood-tail", paramLabel = "PROBABILITY",
            description = "For method likelihood: recent scores this improbable are a spike (default: 1e-7).")
    String likelihoodTail;

    @Option(names = "--record", paramLabel = "SPAN|POINTS",
            description = "Record rule: a spike must deviate more than every point of this span before it, so a "
                    + "series with large normal swings reports only its largest; 0 turns it off (default: 3d).")
    String record;

    /** {@code --json} (the option every client command inherits): JSON lines instead of CSV. */
    private boolean json;

    @Option(names = "--explain",
            description = "Also print the expected value and the band outside which a point is a spike: "
                    + "timestamp,value,expected,lower,upper,score,spike.")
    boolean explain;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (given("--url") || given("--token")) {
            err.println("detect reads a file here and asks no daemon: --url and --token do not apply to it.");
            return ExitCode.USAGE.code();
        }
        json = given("--json");
        SpikeParameters parameters;
        try {
            Map<String, String> settings = new HashMap<>();
            put(settings, SpikeParameters.KEY_METHOD, method);
            put(settings, SpikeParameters.KEY_LAG, lag);
            put(settings, SpikeParameters.KEY_THRESHOLD, threshold);
            put(settings, SpikeParameters.KEY_INFLUENCE, influence);
            put(settings, SpikeParameters.KEY_MIN_DEVIATION, minDeviation);
            put(settings, SpikeParameters.KEY_COOLDOWN, cooldown);
            put(settings, SpikeParameters.KEY_MIN_POINTS, minPoints);
            put(settings, SpikeParameters.KEY_SEASON, season);
            put(settings, SpikeParameters.KEY_HISTORY, history);
            put(settings, SpikeParameters.KEY_LIKELIHOOD_TAIL, likelihoodTail);
            put(settings, SpikeParameters.KEY_RECORD, record);
            SpikeParameters.requireGiven(settings);
            parameters = SpikeParameters.fromMap(settings);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + ".");
            return ExitCode.USAGE.code();
        }
        if (!Files.isRegularFile(file)) {
            err.println((Files.exists(file) ? file + " is not a regular file (a folder, a device or a pipe)"
                    : "No such file: " + file) + ". Give the path of a CSV file with a header row, or of a .jsonl file.");
            return ExitCode.USAGE.code();
        }
        if (JsonlSeriesReader.readsFile(file.getFileName().toString())) {
            return detectJsonl(parameters, out, err);
        }
        // Two streaming passes, one record in memory at a time: which columns are numeric, then the chosen one.
        CsvSeriesReader.Columns columns;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            columns = CsvSeriesReader.columns(reader);
        } catch (java.nio.charset.CharacterCodingException e) {
            err.println(file + " is not UTF-8 text. Give a CSV file in UTF-8 with a header row.");
            return ExitCode.USAGE.code();
        } catch (IOException e) {
            err.println("Cannot read " + file + ": " + e.getMessage() + ".");
            return ExitCode.FAILED.code();
        }
        List<String> numeric = columns.numeric();
        if (numeric.isEmpty()) {
            err.println(file + " has no numeric column besides the time column"
                    + (columns.time() < 0 ? "" : " '" + columns.header().get(columns.time()) + "'") + "; columns: "
                    + (columns.header().isEmpty() ? "none" : String.join(", ", columns.header())) + ".");
            return ExitCode.USAGE.code();
        }
        String chosen = column == null ? numeric.get(0) : column.strip();
        if (!numeric.contains(chosen)) {
            String why = columns.header().contains(chosen) ? "is not a numeric series" : "does not exist";
            err.println("Column '" + chosen + "' of " + file + " " + why + "; numeric columns: "
                    + String.join(", ", numeric) + ".");
            return ExitCode.USAGE.code();
        }

        int chosenIndex = columns.numericIndex().get(chosen);
        return printRows(parameters, out, err,
                (reader, sink) -> CsvSeriesReader.forEachPoint(reader, chosenIndex, columns.time(), sink));
    }

    /** Most distinct fields of a JSON Lines file detect reads (each is kept by name while the file is read). */
    static final int MAX_JSONL_FIELDS = 10_000;

    /**
     * {@code detect} on JSON Lines: numeric fields (dotted paths, as the daemon names their series) and
     * their points, each by one streaming pass; {@code --column} names the field.
     */
    private int detectJsonl(SpikeParameters parameters, PrintWriter out, PrintWriter err) {
        List<String> numeric;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            numeric = JsonlSeriesReader.numericFields(reader, MAX_JSONL_FIELDS);
        } catch (java.nio.charset.CharacterCodingException e) {
            err.println(file + " is not UTF-8 text. Give a JSON Lines file in UTF-8, one object per line.");
            return ExitCode.USAGE.code();
        } catch (JsonlSeriesReader.MalformedLineException | JsonlSeriesReader.TooManyFieldsException
                 | JsonlSeriesReader.LineTooLongException e) {
            err.println(file + ": " + e.getMessage() + ". Give a JSON Lines file, one object per line.");
            return ExitCode.USAGE.code();
        } catch (IOException e) {
            err.println("Cannot read " + file + ": " + e.getMessage() + ".");
            return ExitCode.FAILED.code();
        }
        if (numeric.isEmpty()) {
            err.println(file + " has no numeric field besides the time field (timestamp, time or date).");
            return ExitCode.USAGE.code();
        }
        String chosen = column == null ? numeric.get(0) : column.strip();
        if (!numeric.contains(chosen)) {
            err.println("Field '" + chosen + "' of " + file + " is not a numeric series there; numeric fields: "
                    + String.join(", ", numeric.size() > 50 ? numeric.subList(0, 50) : numeric)
                    + (numeric.size() > 50 ? " and " + (numeric.size() - 50) + " more" : "") + ".");
            return ExitCode.USAGE.code();
        }
        return printRows(parameters, out, err, (reader, sink) -> JsonlSeriesReader.forEachPoint(reader, chosen, sink));
    }

    /** One streaming pass over the file that hands the chosen series' points to {@code sink}, oldest first. */
    private interface PointPass {
        void run(Reader reader, java.util.function.Consumer<SeriesPoint> sink) throws IOException;
    }

    /** The second pass, for either format: feeds each point of the chosen series to the detector and prints its row. */
    private int printRows(SpikeParameters parameters, PrintWriter out, PrintWriter err, PointPass pass) {
        SpikeDetector detector = new SpikeDetector(parameters);
        DetectorState state = detector.newState();
        if (!json) {
            out.println(explain ? "timestamp,value,expected,lower,upper,score,spike" : "timestamp,value,score,spike");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            pass.run(reader, point -> {
                Detection detection = detector.update(state, SeriesTime.epochSeconds(point.timestamp()), point.value());
                SpikeBand band = detector.band(detection);
                out.println(json ? jsonRow(point.timestamp(), point.value(), band, detection)
                        : csvRow(point.timestamp(), point.value(), band, detection));
            });
        } catch (IOException e) {
            err.println("Cannot read " + file + " again: " + e.getMessage() + ".");
            return ExitCode.FAILED.code();
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /** Whether an option every client command inherits was given, before or after the word {@code detect}. */
    private boolean given(String option) {
        for (CommandLine line = spec.commandLine(); line != null; line = line.getParent()) {
            CommandLine.ParseResult parsed = line.getParseResult();
            if (parsed != null && parsed.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }

    /** One CSV row: the band's columns with --explain, empty where the point has no band. */
    private String csvRow(String timestamp, double value, SpikeBand band, Detection detection) {
        StringBuilder row = new StringBuilder(64).append(csvField(timestamp)).append(',').append(number(value)).append(',');
        if (explain) {
            row.append(band == null ? "" : decimal(band.expected())).append(',')
                    .append(band == null ? "" : decimal(band.lower())).append(',')
                    .append(band == null ? "" : decimal(band.upper())).append(',');
        }
        return row.append(String.format(Locale.ROOT, "%.4f", detection.score())).append(',').append(detection.signal())
                .toString();
    }

    /** One JSON object per row (JSON lines): every column of --explain, null where the point has no band. */
    private static String jsonRow(String timestamp, double value, SpikeBand band, Detection detection) {
        StringBuilder row = new StringBuilder(128).append("{\"timestamp\":");
        MiniJson.quote(row, timestamp); // a collector's time cell may hold quotes, backslashes or control characters
        row.append(",\"value\":").append(jsonNumber(value))
                .append(",\"expected\":").append(band == null ? "null" : jsonNumber(band.expected()))
                .append(",\"lower\":").append(band == null ? "null" : jsonNumber(band.lower()))
                .append(",\"upper\":").append(band == null ? "null" : jsonNumber(band.upper()))
                .append(",\"score\":").append(jsonNumber(detection.score()))
                .append(",\"spike\":").append(detection.signal());
        return row.append('}').toString();
    }

    private static String jsonNumber(double value) {
        return Double.isFinite(value) ? number(value) : "null";
    }

    private static void put(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    /** Java's shortest exact form (six digits could print a narrow band's edges as its centre); empty when not finite. */
    private static String decimal(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "";
    }

    /** Whole numbers without ".0", others in Java's shortest exact form. */
    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** Quotes a timestamp only when it would otherwise break the CSV row. */
    private static String csvField(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}

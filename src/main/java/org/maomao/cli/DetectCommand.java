package org.maomao.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.maomao.spike.CsvSeriesReader;
import org.maomao.spike.Detection;
import org.maomao.spike.DetectorState;
import org.maomao.spike.SeriesPoint;
import org.maomao.spike.SeriesTable;
import org.maomao.spike.SpikeDetector;
import org.maomao.spike.SpikeMethod;
import org.maomao.spike.SpikeParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code maomao detect FILE.csv}: runs the daemon's spike detector offline over one series of a CSV
 * file and prints {@code timestamp,value,score,spike} for every row of that series, so detector
 * settings can be tried on data before they go into {@code [spike]}.
 */
@Command(name = "detect",
        description = {
                "Runs the spike detector over one numeric column of a CSV file and prints",
                "timestamp,value,score,spike for each of its rows (spike: 1 up, -1 down, 0 none).",
                "The time column is 'timestamp', 'time' or 'date', else the first column."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the file could not be read", "2:usage error (bad option, file, column or setting)"})
public final class DetectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV file with a header row.")
    Path file;

    @Option(names = "--column", paramLabel = "NAME",
            description = "Numeric column to scan (default: the first numeric column other than the time column).")
    String column;

    @Option(names = "--method", paramLabel = "METHOD", converter = MethodConverter.class,
            description = "zscore (mean/standard deviation) or robust (median/MAD) (default: ${DEFAULT-VALUE}).")
    SpikeMethod method = SpikeParameters.DEFAULT_METHOD;

    @Option(names = "--lag", paramLabel = "POINTS",
            description = "Window of previous points a point is judged against (default: ${DEFAULT-VALUE}).")
    int lag = SpikeParameters.DEFAULT_LAG;

    @Option(names = "--threshold", paramLabel = "DEVIATIONS",
            description = "Deviations from the window's centre that make a spike (default: ${DEFAULT-VALUE}).")
    double threshold = SpikeParameters.DEFAULT_THRESHOLD;

    @Option(names = "--influence", paramLabel = "0..1",
            description = "Weight with which a spike enters the window (default: ${DEFAULT-VALUE}).")
    double influence = SpikeParameters.DEFAULT_INFLUENCE;

    @Option(names = "--min-deviation", paramLabel = "VALUE",
            description = "Smallest deviation, in the units of the series (default: ${DEFAULT-VALUE}).")
    double minDeviation = SpikeParameters.DEFAULT_MIN_DEVIATION;

    @Option(names = "--cooldown", paramLabel = "POINTS",
            description = "Quiet points (no outlier in the same direction) needed after a spike before the next "
                    + "one in that direction (default: ${DEFAULT-VALUE}).")
    int cooldown = SpikeParameters.DEFAULT_COOLDOWN;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SpikeParameters parameters;
        try {
            parameters = new SpikeParameters(method, lag, threshold, influence, minDeviation, cooldown);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + ".");
            return ExitCode.USAGE.code();
        }
        if (!Files.isRegularFile(file)) {
            err.println("No such file: " + file + ". Give the path of a CSV file with a header row.");
            return ExitCode.USAGE.code();
        }
        SeriesTable table;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            table = CsvSeriesReader.read(reader);
        } catch (IOException e) {
            err.println("Cannot read " + file + ": " + e.getMessage() + ".");
            return ExitCode.FAILED.code();
        }
        List<String> numeric = table.numericColumns();
        if (numeric.isEmpty()) {
            err.println(file + " has no numeric column besides the time column"
                    + table.timeColumn().map(t -> " '" + t + "'").orElse("") + "; columns: "
                    + (table.header().isEmpty() ? "none" : String.join(", ", table.header())) + ".");
            return ExitCode.USAGE.code();
        }
        String chosen = column == null ? numeric.get(0) : column.strip();
        if (!table.hasSeries(chosen)) {
            String why = table.header().contains(chosen) ? "is not a numeric series" : "does not exist";
            err.println("Column '" + chosen + "' of " + file + " " + why + "; numeric columns: "
                    + String.join(", ", numeric) + ".");
            return ExitCode.USAGE.code();
        }

        SpikeDetector detector = new SpikeDetector(parameters);
        DetectorState state = detector.newState();
        out.println("timestamp,value,score,spike");
        for (SeriesPoint point : table.series(chosen)) {
            Detection detection = detector.update(state, point.value());
            out.println(csvField(point.timestamp()) + ',' + number(point.value()) + ','
                    + String.format(Locale.ROOT, "%.4f", detection.score()) + ',' + detection.signal());
        }
        out.flush();
        return ExitCode.OK.code();
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

    /** Accepts method names in any case, as the configuration file does. */
    static final class MethodConverter implements ITypeConverter<SpikeMethod> {
        @Override
        public SpikeMethod convert(String value) {
            try {
                return SpikeMethod.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}

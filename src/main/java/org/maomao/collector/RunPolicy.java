package org.maomao.collector;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one collector's runs are executed: limits, retries, schedule behaviour and
 * output handling. Built from the named defaults below, then {@code [defaults]} of
 * config.ini, then the collector's own settings; each layer is validated when read
 * (the record checks ranges, {@link RunPolicySettings} reads and writes the settings).
 *
 * @param timezone the zone of the collector's schedules; null means the daemon's
 * @param env      extra environment for the container (names cannot start with MAOMAO_)
 */
public record RunPolicy(Duration timeout, int retries, Duration retryBackoff, Duration retryBackoffMax,
                        long memoryBytes, double cpus, long pids, String network, OutputMode output,
                        Overlap overlap, OnMissed onMissed, int catchUpMax, ZoneId timezone,
                        int keepRuns, long maxLogBytes, long maxOutputBytes, int maxOutputFiles,
                        Map<String, String> env, int maxSeriesPerFile, int maxSeries, int alertAfterFailures) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_RETRIES = 2;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofHours(1);
    public static final long DEFAULT_MEMORY = 256L << 20;
    public static final double DEFAULT_CPUS = 1.0;
    public static final long DEFAULT_PIDS = 128;
    /** No network unless a collector asks for one: a collector is untrusted code. */
    public static final String DEFAULT_NETWORK = "none";
    /** The most missed firings {@code on_missed = all} catches up. */
    public static final int DEFAULT_CATCH_UP_MAX = 24;
    /** Ended runs kept per collector (with their logs); 0 keeps all. */
    public static final int DEFAULT_KEEP_RUNS = 1000;
    /** A run's log is cut here, with a marker line. */
    public static final long DEFAULT_MAX_LOG = 10L << 20;
    /** The most a run may write to /output; more fails the run and nothing is committed. */
    public static final long DEFAULT_MAX_OUTPUT = 100L << 20;
    /** The most files and folders a run may create in /output; more stops the run and nothing is committed. */
    public static final int DEFAULT_MAX_OUTPUT_FILES = 10_000;
    /** Upper bound of max_output_files: the daemon walks the output every 200 ms while the run goes on. */
    public static final int MAX_OUTPUT_FILES_LIMIT = 1_000_000;
    /** The longest timeout, retry_backoff and retry_backoff_max. */
    public static final Duration MAX_DURATION = Duration.ofDays(30);
    /** The smallest CPU share Docker enforces. */
    public static final double MIN_CPUS = 0.01;
    /** The most extra environment variables a collector may set. */
    public static final int MAX_ENV_VARS = 64;
    /** The longest value of one extra environment variable, in characters. */
    public static final int MAX_ENV_VALUE = 4096;
    /**
     * The most columns a CSV of the output may have besides its time column: each is a series
     * with a row in the store, so a file with a million columns must not be taken.
     */
    public static final int DEFAULT_MAX_SERIES_PER_FILE = 256;
    /** The most series a collector may have in one dataset; a run that would go past it commits nothing. */
    public static final int DEFAULT_MAX_SERIES = 10_000;

    /**
     * Failed runs in a row (of a collector into a dataset) that raise one alert; the next
     * success raises "recovered". 0 turns the alert off.
     */
    public static final int DEFAULT_ALERT_AFTER_FAILURES = 3;
    /** The most failed runs in a row an alert may wait for (the streak is read from the newest runs). */
    public static final int MAX_ALERT_AFTER_FAILURES = 100;

    /** The policy keys accepted in {@code [defaults]}, collector files and the register body. */
    public static final Set<String> KEYS = Set.of("timeout", "retries", "retry_backoff", "retry_backoff_max", "memory",
            "cpus", "pids", "network", "output", "overlap", "on_missed", "catch_up_max", "timezone", "keep_runs", "max_log", "max_output",
            "max_output_files", "max_series_per_file", "max_series", "alert_after_failures");
    /** Settings keys of the form {@code env.NAME} carry the container's extra environment. */
    public static final String ENV_PREFIX = "env.";
    /** Settings keys of the form {@code spike.KEY} override the daemon's [spike] for this collector's series. */
    public static final String SPIKE_PREFIX = "spike.";
    /** The keys of [spike]. */
    public static final Set<String> SPIKE_KEYS = Set.of("method", "lag", "threshold", "influence", "min_deviation", "cooldown",
            "min_points", "season", "history", "likelihood_tail", "record");

    private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** How files of the collector's output land in its dataset folder. */
    public enum OutputMode {
        /** CSV and JSONL rows are appended, other files replaced. */
        APPEND,
        /** Every file replaces what was there, CSV too. */
        REPLACE
    }

    /** What a scheduled firing does while the collector's previous run into the same dataset is still going. */
    public enum Overlap {
        /** Record the firing as a skipped run, with the reason. */
        SKIP,
        /** Run it after the previous one ends. */
        QUEUE,
        /** Run it alongside. */
        ALLOW
    }

    /** What a schedule does about firings missed while no daemon ran. */
    public enum OnMissed {
        /** One run for all that was missed. */
        RUN_ONCE,
        /** No run; the schedule goes on with its next time. */
        SKIP,
        /** One run per missed firing, at most {@code catch_up_max}. */
        ALL
    }

    public RunPolicy {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, e.g. 10m.");
        }
        // longer ones overflowed later (milliseconds of the wait, the doubling backoff, now + backoff)
        for (Duration d : new Duration[] {timeout, retryBackoff, retryBackoffMax}) {
            if (d.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("timeout, retry_backoff and retry_backoff_max may be at most 30d, got "
                        + d.toDays() + "d.");
            }
        }
        if (retries < 0 || retries > 100) {
            throw new IllegalArgumentException("retries must be between 0 and 100, got " + retries + ".");
        }
        if (retryBackoff.isNegative() || retryBackoffMax.isNegative()) {
            throw new IllegalArgumentException("retry_backoff and retry_backoff_max must not be negative.");
        }
        if (memoryBytes < (6L << 20)) {
            throw new IllegalArgumentException("memory must be at least 6m (Docker's minimum), got " + memoryBytes + " bytes.");
        }
        // below 0.01 the engine refuses the container, and under 1e-9 the nano-CPUs round to 0: no limit at all
        if (!(cpus >= MIN_CPUS) || cpus > 1024) {
            throw new IllegalArgumentException("cpus must be a positive number such as 0.5 or 2, at least 0.01, got " + cpus + ".");
        }
        if (pids < 1) {
            throw new IllegalArgumentException("pids must be at least 1, got " + pids + ".");
        }
        if (!NETWORK.matcher(network).matches()) {
            throw new IllegalArgumentException("network \"" + network + "\" is not a Docker network name: use none, bridge, host or a network's name.");
        }
        if (catchUpMax < 1 || catchUpMax > 1000) {
            throw new IllegalArgumentException("catch_up_max must be between 1 and 1000, got " + catchUpMax + ".");
        }
        if (keepRuns < 0) {
            throw new IllegalArgumentException("keep_runs must be 0 (keep all) or more, got " + keepRuns + ".");
        }
        if (maxOutputBytes < 1) {
            throw new IllegalArgumentException("max_output must be at least 1 byte, got " + maxOutputBytes + ".");
        }
        if (maxOutputFiles < 1 || maxOutputFiles > MAX_OUTPUT_FILES_LIMIT) {
            throw new IllegalArgumentException("max_output_files must be between 1 and " + MAX_OUTPUT_FILES_LIMIT
                    + ", got " + maxOutputFiles + ".");
        }
        if (maxLogBytes < 1024) {
            throw new IllegalArgumentException("max_log must be at least 1k, got " + maxLogBytes + " bytes.");
        }
        if (env.size() > MAX_ENV_VARS) {
            throw new IllegalArgumentException("env has " + env.size() + " variables; at most " + MAX_ENV_VARS
                    + " are allowed: pass bigger configuration as a file in the image or the dataset.");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!ENV_NAME.matcher(name).matches() || name.toUpperCase(Locale.ROOT).startsWith("MAOMAO_")) {
                throw new IllegalArgumentException("env name \"" + shorten(name) + "\" is not allowed: use letters, digits "
                        + "and '_' (at most 128), not starting with a digit or MAOMAO_ (maomao sets those).");
            }
            checkEnvValue(name, e.getValue());
        }
        env = Map.copyOf(env);
        if (maxSeriesPerFile < 1 || maxSeriesPerFile > 100_000) {
            throw new IllegalArgumentException("max_series_per_file must be between 1 and 100000, got " + maxSeriesPerFile + ".");
        }
        if (maxSeries < 1 || maxSeries > 10_000_000) {
            throw new IllegalArgumentException("max_series must be between 1 and 10000000, got " + maxSeries + ".");
        }
        if (alertAfterFailures < 0 || alertAfterFailures > MAX_ALERT_AFTER_FAILURES) {
            throw new IllegalArgumentException("alert_after_failures must be between 0 (no alert) and "
                    + MAX_ALERT_AFTER_FAILURES + ", got " + alertAfterFailures + ".");
        }
    }

    /** The built-in defaults. */
    public static RunPolicy defaults() {
        return new RunPolicy(DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_RETRY_BACKOFF, DEFAULT_RETRY_BACKOFF_MAX,
                DEFAULT_MEMORY, DEFAULT_CPUS, DEFAULT_PIDS, DEFAULT_NETWORK, OutputMode.APPEND, Overlap.SKIP,
                OnMissed.RUN_ONCE, DEFAULT_CATCH_UP_MAX, null, DEFAULT_KEEP_RUNS, DEFAULT_MAX_LOG, DEFAULT_MAX_OUTPUT,
                DEFAULT_MAX_OUTPUT_FILES, Map.of(), DEFAULT_MAX_SERIES_PER_FILE, DEFAULT_MAX_SERIES,
                DEFAULT_ALERT_AFTER_FAILURES);
    }

    /**
     * This policy with {@code settings} applied. Unknown keys are an error only when
     * {@code strict} (a config section may hold other keys).
     */
    public RunPolicy with(Map<String, String> settings, boolean strict) {
        return RunPolicySettings.apply(this, settings, strict);
    }

    /** The wait before the attempt after {@code attempt}: {@code retry_backoff} doubling per attempt, capped. */
    public Duration backoff(int attempt) {
        Duration d = retryBackoff;
        for (int i = 1; i < attempt && d.compareTo(retryBackoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : d;
    }

    /** The {@code spike.*} settings among {@code settings}, without the prefix. */
    public static Map<String, String> spikeSettings(Map<String, String> settings) {
        return RunPolicySettings.spikeSettings(settings);
    }

    /** The policy as the settings map that {@link #with} reads back. */
    public Map<String, String> toMap() {
        return RunPolicySettings.toMap(this);
    }

    /**
     * An env value reaches the container's environment block: a NUL would cut it (and
     * differ from what was registered), other control characters corrupt logs and shells.
     */
    private static void checkEnvValue(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException("env " + name + " has no value: give a string, possibly empty.");
        }
        if (value.length() > MAX_ENV_VALUE) {
            throw new IllegalArgumentException("env " + name + " is " + value.length() + " characters long; at most "
                    + MAX_ENV_VALUE + " are allowed: pass bigger configuration as a file in the image or the dataset.");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
                throw new IllegalArgumentException("env " + name + " holds the control character U+"
                        + String.format("%04X", (int) ch) + " at position " + i
                        + ": values may hold printable text and tabs only.");
            }
        }
    }

    private static String shorten(String s) {
        String t = s.length() > 64 ? s.substring(0, 61) + "..." : s;
        StringBuilder b = new StringBuilder();
        for (char ch : t.toCharArray()) {
            b.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
        }
        return b.toString();
    }
}

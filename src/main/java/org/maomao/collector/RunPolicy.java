package org.maomao.collector;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.maomao.config.Durations;
import org.maomao.config.Sizes;

/**
 * How one collector's runs are executed: limits, retries and output handling. Built
 * from the named defaults below, then {@code [defaults]} of config.ini, then the
 * collector's own settings; each layer is validated when it is read.
 */
public record RunPolicy(Duration timeout, int retries, Duration retryBackoff, long memoryBytes, double cpus,
                        long pids, String network, OutputMode output) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_RETRIES = 2;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(30);
    public static final long DEFAULT_MEMORY = 256L << 20;
    public static final double DEFAULT_CPUS = 1.0;
    public static final long DEFAULT_PIDS = 128;
    /** No network unless a collector asks for one: a collector is untrusted code. */
    public static final String DEFAULT_NETWORK = "none";

    /** The policy keys accepted in {@code [defaults]}, collector files and the register body. */
    public static final Set<String> KEYS = Set.of("timeout", "retries", "retry_backoff", "memory", "cpus", "pids",
            "network", "output");

    private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    /** How files of the collector's output land in its dataset folder. */
    public enum OutputMode {
        /** CSV and JSONL rows are appended, other files replaced. */
        APPEND,
        /** Every file replaces what was there, CSV too. */
        REPLACE
    }

    public RunPolicy {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, e.g. 10m.");
        }
        if (retries < 0 || retries > 100) {
            throw new IllegalArgumentException("retries must be between 0 and 100, got " + retries + ".");
        }
        if (retryBackoff.isNegative()) {
            throw new IllegalArgumentException("retry_backoff must not be negative.");
        }
        if (memoryBytes < (6L << 20)) {
            throw new IllegalArgumentException("memory must be at least 6m (Docker's minimum), got " + memoryBytes + " bytes.");
        }
        if (!(cpus > 0) || cpus > 1024) {
            throw new IllegalArgumentException("cpus must be a positive number such as 0.5 or 2, got " + cpus + ".");
        }
        if (pids < 1) {
            throw new IllegalArgumentException("pids must be at least 1, got " + pids + ".");
        }
        if (!NETWORK.matcher(network).matches()) {
            throw new IllegalArgumentException("network \"" + network + "\" is not a Docker network name: use none, bridge, host or a network's name.");
        }
    }

    /** The built-in defaults. */
    public static RunPolicy defaults() {
        return new RunPolicy(DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_RETRY_BACKOFF, DEFAULT_MEMORY, DEFAULT_CPUS,
                DEFAULT_PIDS, DEFAULT_NETWORK, OutputMode.APPEND);
    }

    /**
     * This policy with {@code settings} applied. Unknown keys are ignored only when
     * {@code strict} is false (a config section may hold other keys).
     */
    public RunPolicy with(Map<String, String> settings, boolean strict) {
        Duration t = timeout;
        int r = retries;
        Duration b = retryBackoff;
        long mem = memoryBytes;
        double c = cpus;
        long p = pids;
        String net = network;
        OutputMode out = output;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            String v = e.getValue() == null ? "" : e.getValue().trim();
            switch (key) {
                case "timeout" -> t = Durations.parse("timeout", v);
                case "retries" -> r = parseInt("retries", v);
                case "retry_backoff" -> b = Durations.parse("retry_backoff", v);
                case "memory" -> mem = Sizes.parse("memory", v);
                case "cpus" -> c = parseDouble("cpus", v);
                case "pids" -> p = parseInt("pids", v);
                case "network" -> net = v;
                case "output" -> out = switch (v.toLowerCase(Locale.ROOT)) {
                    case "append" -> OutputMode.APPEND;
                    case "replace" -> OutputMode.REPLACE;
                    default -> throw new IllegalArgumentException("output \"" + v + "\" is unknown: use append or replace.");
                };
                default -> {
                    if (strict) {
                        throw new IllegalArgumentException("unknown policy setting \"" + e.getKey() + "\": known are "
                                + String.join(", ", KEYS.stream().sorted().toList()) + ".");
                    }
                }
            }
        }
        return new RunPolicy(t, r, b, mem, c, p, net, out);
    }

    /** The policy as the settings map that {@link #with} reads back. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("timeout", Durations.format(timeout));
        m.put("retries", Integer.toString(retries));
        m.put("retry_backoff", Durations.format(retryBackoff));
        m.put("memory", Long.toString(memoryBytes));
        m.put("cpus", Double.toString(cpus));
        m.put("pids", Long.toString(pids));
        m.put("network", network);
        m.put("output", output.name().toLowerCase(Locale.ROOT));
        return m;
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " \"" + v + "\" is not a whole number.");
        }
    }

    private static double parseDouble(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " \"" + v + "\" is not a number.");
        }
    }
}

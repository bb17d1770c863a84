package org.maomao.collector;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.maomao.collector.RunPolicy.OnMissed;
import org.maomao.collector.RunPolicy.OutputMode;
import org.maomao.collector.RunPolicy.Overlap;
import org.maomao.units.Durations;
import org.maomao.units.Sizes;

/**
 * A {@link RunPolicy} as the string settings of {@code [defaults]}, collector files and
 * the register body: reads them onto a policy (each value parsed with a sentence saying
 * what is wrong) and writes a policy back as the same keys. The policy itself checks the ranges.
 */
final class RunPolicySettings {
    private RunPolicySettings() {
    }

    /**
     * {@code base} with {@code settings} applied. Unknown keys are an error only when
     * {@code strict} (a config section may hold other keys).
     */
    static RunPolicy apply(RunPolicy base, Map<String, String> settings, boolean strict) {
        Duration t = base.timeout();
        int r = base.retries();
        Duration b = base.retryBackoff();
        Duration bmax = base.retryBackoffMax();
        long mem = base.memoryBytes();
        double c = base.cpus();
        long p = base.pids();
        String net = base.network();
        OutputMode out = base.output();
        Overlap ov = base.overlap();
        OnMissed om = base.onMissed();
        int cu = base.catchUpMax();
        ZoneId tz = base.timezone();
        int keep = base.keepRuns();
        long maxLog = base.maxLogBytes();
        long maxOut = base.maxOutputBytes();
        int maxFiles = base.maxOutputFiles();
        int seriesPerFile = base.maxSeriesPerFile();
        int seriesMax = base.maxSeries();
        int alertAfter = base.alertAfterFailures();
        Map<String, String> e = new TreeMap<>(base.env());
        Map<String, String> given = new TreeMap<>(); // each key in lower case, as first given
        for (Map.Entry<String, String> s : settings.entrySet()) {
            String key = s.getKey().toLowerCase(Locale.ROOT);
            String v = s.getValue() == null ? "" : s.getValue().trim();
            if (s.getKey().startsWith(RunPolicy.ENV_PREFIX)) {
                e.put(s.getKey().substring(RunPolicy.ENV_PREFIX.length()), s.getValue() == null ? "" : s.getValue());
                continue;
            }
            String other = given.putIfAbsent(key, s.getKey());
            if (other != null) {
                // keys ignore case, and which copy a map yields first is up to the map: the check here
                // and the detector at run time could each read a different one
                throw new IllegalArgumentException("settings \"" + other + "\" and \"" + s.getKey()
                        + "\" are the same setting (keys ignore case): give it once.");
            }
            if (key.startsWith(RunPolicy.SPIKE_PREFIX)) {
                // the detector reads these itself (CollectorRegistry checks their values)
                if (strict && !RunPolicy.SPIKE_KEYS.contains(key.substring(RunPolicy.SPIKE_PREFIX.length()))) {
                    throw new IllegalArgumentException("unknown spike setting \"" + s.getKey() + "\": known are spike."
                            + String.join(", spike.", RunPolicy.SPIKE_KEYS.stream().sorted().toList()) + ".");
                }
                continue;
            }
            switch (key) {
                case "timeout" -> t = Durations.parse("timeout", v);
                case "retries" -> r = parseInt("retries", v);
                case "retry_backoff" -> b = Durations.parse("retry_backoff", v);
                case "retry_backoff_max" -> bmax = Durations.parse("retry_backoff_max", v);
                case "memory" -> mem = Sizes.parse("memory", v);
                case "cpus" -> c = parseDouble("cpus", v);
                case "pids" -> p = parseInt("pids", v);
                case "network" -> net = v;
                case "output" -> out = parseEnum(OutputMode.class, "output", v);
                case "overlap" -> ov = parseEnum(Overlap.class, "overlap", v);
                case "on_missed" -> om = parseEnum(OnMissed.class, "on_missed", v);
                case "catch_up_max" -> cu = parseInt("catch_up_max", v);
                case "timezone" -> tz = parseZone(v);
                case "keep_runs" -> keep = parseInt("keep_runs", v);
                case "max_log" -> maxLog = Sizes.parse("max_log", v);
                case "max_output" -> maxOut = Sizes.parse("max_output", v);
                case "max_output_files" -> maxFiles = parseInt("max_output_files", v);
                case "max_series_per_file" -> seriesPerFile = parseInt("max_series_per_file", v);
                case "max_series" -> seriesMax = parseInt("max_series", v);
                case "alert_after_failures" -> alertAfter = parseInt("alert_after_failures", v);
                default -> {
                    if (strict) {
                        throw new IllegalArgumentException("unknown policy setting \"" + s.getKey() + "\": known are "
                                + String.join(", ", RunPolicy.KEYS.stream().sorted().toList()) + ", env.NAME and spike.KEY.");
                    }
                }
            }
        }
        return new RunPolicy(t, r, b, bmax, mem, c, p, net, out, ov, om, cu, tz, keep, maxLog, maxOut, maxFiles, e,
                seriesPerFile, seriesMax, alertAfter);
    }

    /** The {@code spike.*} settings among {@code settings}, without the prefix. */
    static Map<String, String> spikeSettings(Map<String, String> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((k, v) -> {
            if (k.toLowerCase(Locale.ROOT).startsWith(RunPolicy.SPIKE_PREFIX)) {
                out.put(k.substring(RunPolicy.SPIKE_PREFIX.length()).toLowerCase(Locale.ROOT), v);
            }
        });
        return out;
    }

    /** The policy as the settings map that {@link #apply} reads back. */
    static Map<String, String> toMap(RunPolicy p) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("timeout", Durations.format(p.timeout()));
        m.put("retries", Integer.toString(p.retries()));
        m.put("retry_backoff", Durations.format(p.retryBackoff()));
        m.put("retry_backoff_max", Durations.format(p.retryBackoffMax()));
        m.put("memory", Long.toString(p.memoryBytes()));
        m.put("cpus", Double.toString(p.cpus()));
        m.put("pids", Long.toString(p.pids()));
        m.put("network", p.network());
        m.put("output", p.output().name().toLowerCase(Locale.ROOT));
        m.put("overlap", p.overlap().name().toLowerCase(Locale.ROOT));
        m.put("on_missed", p.onMissed().name().toLowerCase(Locale.ROOT));
        m.put("catch_up_max", Integer.toString(p.catchUpMax()));
        if (p.timezone() != null) {
            m.put("timezone", p.timezone().getId());
        }
        m.put("keep_runs", Integer.toString(p.keepRuns()));
        m.put("max_log", Long.toString(p.maxLogBytes()));
        m.put("max_output", Long.toString(p.maxOutputBytes()));
        m.put("max_output_files", Integer.toString(p.maxOutputFiles()));
        m.put("max_series_per_file", Integer.toString(p.maxSeriesPerFile()));
        m.put("max_series", Integer.toString(p.maxSeries()));
        m.put("alert_after_failures", Integer.toString(p.alertAfterFailures()));
        p.env().forEach((k, v) -> m.put(RunPolicy.ENV_PREFIX + k, v));
        return m;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, String v) {
        for (E c : type.getEnumConstants()) {
            if (c.name().equalsIgnoreCase(v)) {
                return c;
            }
        }
        StringBuilder names = new StringBuilder();
        for (E c : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(key + " \"" + v + "\" is unknown: use " + names + ".");
    }

    private static ZoneId parseZone(String v) {
        try {
            return ZoneId.of(v);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("timezone \"" + v + "\" is unknown: use a name such as Europe/Berlin or UTC.");
        }
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

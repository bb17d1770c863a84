package org.maomao.config;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.maomao.collector.RunPolicy;

/**
 * Every section and key maomao reads, so that a typo or a leftover of the Python
 * prototype stops the start with a sentence instead of being silently ignored (a
 * misspelt {@code data_dir} would otherwise leave the data in /var/lib/maomao).
 * A key read anywhere in the code must be listed here.
 */
public final class KnownKeys {
    private KnownKeys() {
    }

    /** The sections of config.ini and their keys. */
    public static final Map<String, Set<String>> DAEMON = daemon();

    /** The keys of a collector.ini at the top or under [collector]; [env] takes any variable name. */
    public static final Set<String> COLLECTOR = collector();

    /** The sections of a collector.ini ("" is the top of the file). */
    public static final Set<String> COLLECTOR_SECTIONS = Set.of("", "collector", "env", "spike");

    /** Variables named MAOMAO_* that are not settings: the CLI's own and those given to collector containers. */
    public static final Set<String> NOT_SETTINGS = Set.of("MAOMAO_URL", "MAOMAO_TOKEN", "MAOMAO_RUN_ID", "MAOMAO_ATTEMPT",
            "MAOMAO_COLLECTOR", "MAOMAO_DATASET");

    /** Keys of the prototype's config.ini ("section.key"): the key that replaced each, and how. */
    static final Map<String, String[]> PROTOTYPE = Map.of(
            "daemon.importdir", new String[] {"data_dir", "the prototype's importdir is data_dir now; datasets go to data_dir/datasets"},
            "daemon.import_dir", new String[] {"data_dir", "the prototype's import_dir is data_dir now; datasets go to data_dir/datasets"},
            "daemon.port", new String[] {"listen", "the prototype's port is part of listen = host:port now, e.g. 127.0.0.1:8080"},
            "daemon.host", new String[] {"listen", "the prototype's host is part of listen = host:port now, e.g. 127.0.0.1:8080"},
            "etcd.host", new String[] {"endpoints", "the prototype's etcd host and port are endpoints = http://host:2379 now"},
            "etcd.port", new String[] {"endpoints", "the prototype's etcd host and port are endpoints = http://host:2379 now"},
            "spike.gain", new String[] {"threshold", "the prototype's ±6 % gain test is the detector's threshold (in deviations) now"});

    private static Map<String, Set<String>> daemon() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put("daemon", Set.of("listen", "data_dir", "token", "max_concurrent_runs", "timezone", "collectors_dir",
                "shutdown_grace", "allowed_images", "read_timeout", "max_connections", "log_file", "log_max_size",
                "log_max_files", "late_after", "max_watchers", "allowed_hosts"));
        m.put("store", Set.of("url", "user", "password"));
        m.put("docker", Set.of("host", "user", "allowed_networks", "max_memory", "max_cpus", "max_pids", "max_output",
                "max_output_files", "max_log"));
        m.put("defaults", RunPolicy.KEYS);
        Set<String> spike = new TreeSet<>(RunPolicy.SPIKE_KEYS);
        spike.addAll(Set.of("webhook", "webhook_timeout"));
        m.put("spike", Set.copyOf(spike));
        m.put("etcd", Set.of("endpoints", "prefix", "notification_ttl"));
        m.put("cluster", Set.of("enabled", "member_id", "api_url", "lease_ttl", "checkin_interval"));
        m.put("git", Set.of("author", "push", "push_retry", "allowed_remotes"));
        return Map.copyOf(m);
    }

    private static Set<String> collector() {
        Set<String> s = new TreeSet<>(RunPolicy.KEYS);
        s.addAll(Set.of("image", "build", "dataset", "schedule"));
        return Set.copyOf(s);
    }

    /**
     * Why {@code [section] key} of config.ini is refused, or empty when it is known.
     * {@code where} names the file and line (or the environment variable).
     */
    static Optional<String> checkDaemon(String section, String key, String where) {
        Set<String> keys = DAEMON.get(section);
        if (keys == null) {
            if (section.isEmpty()) {
                return Optional.of("key `" + key + "` stands outside any section " + where
                        + "; put it under its section, e.g. [daemon].");
            }
            return Optional.of("unknown section [" + section + "] " + where + "; did you mean [" + closest(section, DAEMON.keySet())
                    + "]? (the sections are " + sections() + ")");
        }
        if (keys.contains(key)) {
            return Optional.empty();
        }
        String[] prototype = PROTOTYPE.get(section + "." + key);
        if (prototype != null) {
            return Optional.of("unknown key `" + key + "` in [" + section + "] " + where + "; did you mean `" + prototype[0]
                    + "`? (" + prototype[1] + ")");
        }
        for (Map.Entry<String, Set<String>> e : DAEMON.entrySet()) {
            if (e.getValue().contains(key)) {
                return Optional.of("unknown key `" + key + "` in [" + section + "] " + where + "; `" + key
                        + "` belongs in [" + e.getKey() + "].");
            }
        }
        return Optional.of("unknown key `" + key + "` in [" + section + "] " + where + "; did you mean `" + closest(key, keys) + "`?");
    }

    /** Why a key of a collector.ini is refused, or empty when it is known. */
    static Optional<String> checkCollector(String section, String key, String where) {
        if (!COLLECTOR_SECTIONS.contains(section)) {
            return Optional.of("unknown section [" + shown(section) + "] " + where + "; did you mean ["
                    + closest(section, Set.of("collector", "env", "spike")) + "]? (the sections are [collector], [env] and [spike])");
        }
        if (section.equals("env")) {
            return Optional.empty();
        }
        Set<String> keys = section.equals("spike") ? RunPolicy.SPIKE_KEYS : COLLECTOR;
        if (keys.contains(key)) {
            return Optional.empty();
        }
        String in = section.isEmpty() ? "" : " in [" + section + "]";
        if (!section.equals("spike") && RunPolicy.SPIKE_KEYS.contains(key)) {
            return Optional.of("unknown key `" + shown(key) + "`" + in + " " + where + "; `" + key + "` belongs in [spike].");
        }
        return Optional.of("unknown key `" + shown(key) + "`" + in + " " + where + (shown(key).equals(key) ? "; did you mean `" + closest(key, keys) + "`?" : "; a setting is one KEY = VALUE line"));
    }

    /**
     * A key or section name as a message may repeat it: only a near miss of a known one (a typo, which
     * the message then corrects). A collector.ini may be shared, and reload's answer goes to API clients:
     * a file that is no INI file (a key, a password file) must not come back line by line in messages.
     */
    static String shown(String name) {
        Set<String> known = new java.util.HashSet<>(COLLECTOR);
        known.addAll(RunPolicy.SPIKE_KEYS);
        known.addAll(COLLECTOR_SECTIONS);
        String near = closest(name, known);
        return name.matches("[a-z0-9_.-]{1,40}") && distance(name.replace('-', '_'), near) <= Math.max(2, near.length() / 3)
                ? name : "(a line that is not a setting)";
    }

    private static String sections() {
        return String.join(", ", DAEMON.keySet().stream().sorted().map(s -> "[" + s + "]").toList());
    }

    /** The known word with the fewest edits from {@code word} (ties: alphabetical). */
    static String closest(String word, Set<String> known) {
        String w = word.toLowerCase(Locale.ROOT).replace('-', '_');
        return known.stream().filter(k -> !k.isEmpty())
                .min(Comparator.comparingInt((String k) -> distance(w, k)).thenComparing(k -> k)).orElse("");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

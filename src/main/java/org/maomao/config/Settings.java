package org.maomao.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.INIConfiguration;
import org.apache.commons.configuration2.SubnodeConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Raw settings read in layers, later wins: {@code /etc/maomao/config.ini},
 * {@code ~/.config/maomao/config.ini}, {@code ./config.ini}, {@code --config FILE}, then
 * {@code MAOMAO_<SECTION>_<KEY>} environment variables. Every value remembers the
 * directory of the file that set it, so relative paths mean "next to that file".
 */
public final class Settings {
    /** The environment prefix of overrides, e.g. {@code MAOMAO_DAEMON_LISTEN}. */
    public static final String ENV_PREFIX = "MAOMAO_";

    /** A value and the directory relative paths in it are resolved against. */
    public record Value(String text, Path baseDir, String origin) {
    }

    private final Map<String, Map<String, Value>> sections = new LinkedHashMap<>();
    private final List<Path> files = new ArrayList<>();
    /** Where each section header and key was last set ("section" or "section\nkey"): file and line, or the variable. */
    private final Map<String, String> where = new LinkedHashMap<>();

    private Settings() {
    }

    /** The standard layers, checked; {@code explicit} (from {@code --config}) must exist when given. */
    public static Settings load(Path explicit, Map<String, String> env) {
        return fromLayers(layerFiles(explicit), env);
    }

    private static List<Path> layerFiles(Path explicit) {
        List<Path> layers = new ArrayList<>();
        layers.add(Path.of("/etc/maomao/config.ini"));
        String home = System.getProperty("user.home");
        if (home != null) {
            layers.add(Path.of(home, ".config", "maomao", "config.ini"));
        }
        layers.add(Path.of("config.ini"));
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new IllegalArgumentException("config file " + explicit + " does not exist: check the --config path.");
            }
            layers.add(explicit);
        }
        return layers;
    }

    /**
     * Reads the given files (missing ones are skipped) and then the environment, and refuses
     * an unknown section or key (see {@link KnownKeys}) with a sentence per problem.
     */
    public static Settings fromLayers(List<Path> layers, Map<String, String> env) {
        Settings s = readLayers(layers, env);
        s.requireKnown(KnownKeys::checkDaemon);
        return s;
    }

    /**
     * The standard layers without the check of unknown keys, and without the files that cannot
     * be read: for the CLI, which only looks up where the daemon listens and its token.
     */
    public static Settings loadLenient(Map<String, String> env) {
        try {
            return readLayers(layerFiles(null), env);
        } catch (IllegalArgumentException e) {
            return readLayers(List.of(), env);
        }
    }

    private static Settings readLayers(List<Path> layers, Map<String, String> env) {
        Settings s = new Settings();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Path p : layers) {
            // ./config.ini given again with --config is read once
            if (Files.isRegularFile(p) && seen.add(p.toAbsolutePath().normalize())) {
                s.readFile(p);
            }
        }
        Path cwd = Path.of("").toAbsolutePath();
        new java.util.TreeMap<>(env).forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length() && !KnownKeys.NOT_SETTINGS.contains(k)) {
                String rest = k.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
                int us = rest.indexOf('_');
                if (us > 0 && us < rest.length() - 1) {
                    s.put(rest.substring(0, us), rest.substring(us + 1), new Value(v, cwd, "environment " + k));
                    s.where.put(rest.substring(0, us), "from the environment variable " + k);
                    s.where.put(rest.substring(0, us) + "\n" + rest.substring(us + 1), "from the environment variable " + k);
                }
            }
        });
        return s;
    }

    /** Reads one collector.ini into a fresh Settings, refusing unknown sections and keys. */
    public static Settings fromCollectorFile(Path file) {
        Settings s = new Settings();
        s.readFile(file);
        s.requireKnown(KnownKeys::checkCollector);
        return s;
    }

    /** Checks every section and key read against {@code check}; all problems in one message, a sentence each. */
    private void requireKnown(KeyCheck check) {
        List<String> problems = new ArrayList<>();
        java.util.Set<String> sectionsSeen = new java.util.LinkedHashSet<>();
        for (String w : where.keySet()) {
            int nl = w.indexOf('\n');
            String section = nl < 0 ? w : w.substring(0, nl);
            if (nl < 0 || sectionsSeen.contains(section)) {
                continue;
            }
            String key = w.substring(nl + 1);
            Optional<String> problem = check.check(section, key, where.get(w));
            if (problem.isPresent() && problem.get().startsWith("unknown section")) {
                // one sentence per unknown section, naming its header's line, not one per key in it
                problem = check.check(section, key, where.getOrDefault(section, where.get(w)));
                sectionsSeen.add(section);
            }
            problem.ifPresent(problems::add);
        }
        for (String w : where.keySet()) {
            // a section with no keys at all, e.g. "[deamon]" followed by comments only
            if (w.indexOf('\n') < 0 && !sectionsSeen.contains(w) && !sections.containsKey(w)) {
                check.check(w, "", where.get(w)).filter(p -> p.startsWith("unknown section")).ifPresent(problems::add);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    /** A check of one key: why it is refused, or empty. */
    @FunctionalInterface
    interface KeyCheck {
        Optional<String> check(String section, String key, String where);
    }

    private void readFile(Path file) {
        INIConfiguration ini = new INIConfiguration();
        try (Reader r = Files.newBufferedReader(file)) {
            ini.read(r);
        } catch (IOException | ConfigurationException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        files.add(file.toAbsolutePath());
        Map<String, Integer> lines = lineNumbers(file);
        Map<String, String> inThisFile = new java.util.HashMap<>(); // "section\nkey" -> the key as written
        for (String section : ini.getSections()) {
            SubnodeConfiguration sub = ini.getSection(section);
            for (Iterator<String> keys = sub.getKeys(); keys.hasNext(); ) {
                String key = keys.next();
                String sec = section == null ? "" : section.toLowerCase(Locale.ROOT);
                // keys are case-insensitive, except environment variable names in [env]
                // the parser escapes a dot in a key as "..": the key as written, for messages
                String written = key.replace("..", ".");
                String k = sec.equals("env") ? written : written.toLowerCase(Locale.ROOT);
                requireOnce(file, sec, k, inThisFile.putIfAbsent(sec + "\n" + k, written), written, sub.getList(key).size());
                put(sec, k, new Value(sub.getString(key), base, file.toString()));
                Integer line = lines.get(sec + "\n" + written.toLowerCase(Locale.ROOT));
                where.put(sec + "\n" + k, "of " + file + (line == null ? "" : " line " + line));
            }
        }
        lines.forEach((k, line) -> {
            if (k.indexOf('\n') < 0) {
                where.putIfAbsent(k, "of " + file + " line " + line);
            }
        });
    }

    /**
     * Refuses a key set twice in a section of one file: the parser kept the first value of a
     * repeated key and this reader the last of two spellings (LAG, lag), so which one counted
     * depended on how it was written; a registration refuses the same (RunPolicySettings).
     */
    private static void requireOnce(Path file, String section, String key, String before, String written, int values) {
        if (before == null && values <= 1) {
            return;
        }
        String in = section.isEmpty() ? "" : " in [" + section + "]";
        String spellings = before != null && !before.equals(written)
                ? " (as `" + before + "` and `" + written + "`; keys ignore case)" : "";
        throw new IllegalArgumentException("key `" + key + "`" + in + " of " + file + " is set twice" + spellings + ": keep one.");
    }

    /**
     * The line of each section header ("section") and key ("section\nkey", lower case) in an INI
     * file, for messages: the INI parser does not keep them.
     */
    private static Map<String, Integer> lineNumbers(Path file) {
        Map<String, Integer> out = new LinkedHashMap<>();
        String section = "";
        int n = 0;
        try {
            for (String raw : Files.readAllLines(file)) {
                n++;
                String line = raw.trim();
                if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("[") && line.contains("]")) {
                    section = line.substring(1, line.indexOf(']')).trim().toLowerCase(Locale.ROOT);
                    out.putIfAbsent(section, n);
                    continue;
                }
                int eq = line.indexOf('=');
                int colon = line.indexOf(':');
                int end = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
                String key = (end < 0 ? line : line.substring(0, end)).trim().toLowerCase(Locale.ROOT);
                out.put(section + "\n" + key, n);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // the INI parser has read it already; without lines the messages name the file only
        }
        return out;
    }

    private void put(String section, String key, Value value) {
        sections.computeIfAbsent(section, x -> new LinkedHashMap<>()).put(key, value);
    }

    /** The value of {@code [section] key}, if set in any layer. */
    public Optional<String> get(String section, String key) {
        return value(section, key).map(Value::text).map(String::trim).filter(t -> !t.isEmpty());
    }

    /** The value with its origin, if set. */
    public Optional<Value> value(String section, String key) {
        return Optional.ofNullable(sections.getOrDefault(section, Map.of()).get(key));
    }

    /** All keys of a section, text only, in file order. */
    public Map<String, String> section(String section) {
        Map<String, String> out = new LinkedHashMap<>();
        sections.getOrDefault(section, Map.of()).forEach((k, v) -> out.put(k, v.text().trim()));
        return Collections.unmodifiableMap(out);
    }

    /** A path setting, resolved against the directory of the file (or the working directory for env). */
    public Optional<Path> path(String section, String key) {
        return value(section, key).filter(v -> !v.text().isBlank())
                .map(v -> v.baseDir().resolve(v.text().trim()).normalize());
    }

    /** The config files that were read, in order. */
    public List<Path> files() {
        return List.copyOf(files);
    }
}

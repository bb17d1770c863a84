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

    private Settings() {
    }

    /** The standard layers; {@code explicit} (from {@code --config}) must exist when given. */
    public static Settings load(Path explicit, Map<String, String> env) {
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
        return fromLayers(layers, env);
    }

    /** Reads the given files (missing ones are skipped) and then the environment. */
    public static Settings fromLayers(List<Path> layers, Map<String, String> env) {
        Settings s = new Settings();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Path p : layers) {
            // ./config.ini given again with --config is read once
            if (Files.isRegularFile(p) && seen.add(p.toAbsolutePath().normalize())) {
                s.readFile(p);
            }
        }
        Path cwd = Path.of("").toAbsolutePath();
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
                String rest = k.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
                int us = rest.indexOf('_');
                if (us > 0 && us < rest.length() - 1) {
                    s.put(rest.substring(0, us), rest.substring(us + 1), new Value(v, cwd, "environment " + k));
                }
            }
        });
        return s;
    }

    /** Reads one INI file into a fresh Settings (used for collector files too). */
    public static Settings fromFile(Path file) {
        Settings s = new Settings();
        s.readFile(file);
        return s;
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
        for (String section : ini.getSections()) {
            SubnodeConfiguration sub = ini.getSection(section);
            for (Iterator<String> keys = sub.getKeys(); keys.hasNext(); ) {
                String key = keys.next();
                String sec = section == null ? "" : section.toLowerCase(Locale.ROOT);
                // keys are case-insensitive, except environment variable names in [env]
                String k = sec.equals("env") ? key : key.toLowerCase(Locale.ROOT);
                put(sec, k, new Value(sub.getString(key), base, file.toString()));
            }
        }
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

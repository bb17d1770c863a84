package org.maomao.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.maomao.collector.Names;
import org.maomao.collector.RunPolicy;
import org.maomao.schedule.Frequency;

/**
 * A collector declared in {@code collectors/<name>/collector.ini}: its image (or a
 * Dockerfile in the same folder to build, tagged {@code maomao/<name>:latest}), its
 * dataset, an optional schedule and policy settings. Keys may stand at the top of the
 * file or under {@code [collector]}; an {@code [env]} section gives the container's
 * extra environment, a {@code [spike]} section the detector's parameters for its series.
 */
public record CollectorFile(String name, Path file, String image, Path buildDir, String dataset, String schedule,
                            Map<String, String> settings) {
    public static final String FILE_NAME = "collector.ini";
    private static final Set<String> OWN_KEYS = Set.of("image", "build", "dataset", "schedule");

    /** Reads every {@code <dir>/<name>/collector.ini}, in name order; a file that fails goes to {@code onError}. */
    public static List<CollectorFile> scan(Path dir, java.util.function.Consumer<IllegalArgumentException> onError) {
        return scanNamed(dir, (name, e) -> onError.accept(e));
    }

    /** As {@link #scan(Path, java.util.function.Consumer)}, telling {@code onError} the failing folder's name too. */
    public static List<CollectorFile> scanNamed(Path dir, java.util.function.BiConsumer<String, IllegalArgumentException> onError) {
        List<CollectorFile> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path sub : s.sorted().toList()) {
                Path file = sub.resolve(FILE_NAME);
                if (Files.isSymbolicLink(file)) {
                    // a link would make any file the daemon can read a "collector.ini", and reload's
                    // answer would quote it to API clients
                    onError.accept(sub.getFileName().toString(), new IllegalArgumentException(file + " is a symbolic "
                            + "link; a collector.ini must be a plain file in its folder."));
                } else if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        out.add(read(file));
                    } catch (IllegalArgumentException e) {
                        onError.accept(sub.getFileName().toString(), e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list collectors in " + dir, e);
        }
        return out;
    }

    /** Reads and validates one collector file; the folder's name is the collector's name. */
    public static CollectorFile read(Path file) {
        String name = file.toAbsolutePath().getParent().getFileName().toString();
        try {
            Names.require("collector", name);
            Settings s = Settings.fromCollectorFile(file);
            Map<String, String> all = new LinkedHashMap<>(s.section(""));
            all.putAll(s.section("collector"));
            Map<String, String> settings = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : all.entrySet()) {
                if (!OWN_KEYS.contains(e.getKey())) {
                    settings.put(e.getKey(), e.getValue());
                }
            }
            s.section("env").forEach((k, v) -> settings.put(RunPolicy.ENV_PREFIX + k, v));
            s.section("spike").forEach((k, v) -> settings.put(RunPolicy.SPIKE_PREFIX + k, v));
            RunPolicy.defaults().with(settings, true);
            // the [spike] values as the detector will read them, so a bad one is refused with the file
            org.maomao.spike.SpikeParameters.forCollector(Map.of(), RunPolicy.spikeSettings(settings));
            Path build = all.containsKey("build") ? file.toAbsolutePath().getParent().resolve(all.get("build")).normalize() : null;
            String image = all.getOrDefault("image", build != null ? "maomao/" + name + ":latest" : null);
            if (image == null) {
                throw new IllegalArgumentException("set image = <docker image>, or build = . to build the Dockerfile next to it.");
            }
            String dataset = Names.require("dataset", all.getOrDefault("dataset", Names.NO_DATASET));
            String schedule = all.get("schedule");
            if (schedule != null && schedule.isBlank()) {
                schedule = null;
            }
            if (schedule != null) {
                Frequency.parse(schedule, name);
            }
            return new CollectorFile(name, file, image, build, dataset, schedule, settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}

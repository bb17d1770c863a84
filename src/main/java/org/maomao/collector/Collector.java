package org.maomao.collector;

import java.time.Instant;
import java.util.Map;

/**
 * A registered collector: a Docker image plus the policy settings it overrides.
 *
 * @param name     validated name, also its folder in a dataset
 * @param image    the image reference given at registration
 * @param dataset  the dataset its runs write to when a request names none; {@code none} keeps output per run
 * @param settings policy overrides (keys of {@link RunPolicy#KEYS}), as given
 * @param source   {@code api} when registered over HTTP, {@code file} when declared in collectors/
 */
public record Collector(String name, String image, String dataset, Map<String, String> settings, String source,
                        Instant createdAt, Instant updatedAt) {
    public static final String SOURCE_API = "api";
    public static final String SOURCE_FILE = "file";

    public Collector {
        settings = Map.copyOf(settings);
    }

    /** The effective policy of this collector over {@code defaults}. */
    public RunPolicy policy(RunPolicy defaults) {
        return defaults.with(settings, true);
    }
}

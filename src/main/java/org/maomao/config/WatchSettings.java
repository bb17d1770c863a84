package org.maomao.config;

import java.time.Duration;

import org.maomao.units.Durations;

/**
 * The settings of notifications cluster-wide: how long etcd keeps each spike, alert and run end
 * ({@code [etcd] notification_ttl}), and how many clients may watch them at once on this daemon
 * ({@code [daemon] max_watchers}; each holds a connection and a thread of the API).
 */
public record WatchSettings(Duration notificationTtl, int maxWatchers) {
    public static final Duration DEFAULT_TTL = Duration.ofDays(1);
    public static final int DEFAULT_MAX_WATCHERS = 32;

    public WatchSettings {
        if (notificationTtl.compareTo(Duration.ofSeconds(10)) < 0 || notificationTtl.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("[etcd] notification_ttl must be between 10s and 365d, got "
                    + Durations.format(notificationTtl) + ".");
        }
        if (maxWatchers < 1 || maxWatchers > 10_000) {
            throw new IllegalArgumentException("[daemon] max_watchers must be between 1 and 10000, got " + maxWatchers + ".");
        }
    }

    public static WatchSettings defaults() {
        return new WatchSettings(DEFAULT_TTL, DEFAULT_MAX_WATCHERS);
    }

    static WatchSettings from(Settings s) {
        Duration ttl = Durations.parse("[etcd] notification_ttl", s.get("etcd", "notification_ttl")
                .orElse(Durations.format(DEFAULT_TTL)));
        String max = s.get("daemon", "max_watchers").orElse(Integer.toString(DEFAULT_MAX_WATCHERS)).trim();
        if (!max.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("[daemon] max_watchers \"" + max + "\" is not a whole number.");
        }
        return new WatchSettings(ttl, Integer.parseInt(max));
    }
}

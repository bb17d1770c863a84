package org.maomao.config;

import java.time.Duration;

import org.maomao.units.Durations;

/**
 * How long the API waits for a client, and how many connections it holds open.
 *
 * @param readTimeout    the longest a client may take to send a whole request (line, headers and body),
 *                       and the longest a connection may sit idle; slower clients are disconnected
 *                       ({@code [daemon] read_timeout})
 * @param maxConnections the most connections held open at once; more wait in the kernel's accept
 *                       queue until one closes ({@code [daemon] max_connections})
 * @param allowedHosts   names besides the loopback ones a daemon listening on a loopback address answers
 *                       requests for (a proxy's; {@code [daemon] allowed_hosts}, see CrossSiteGuard)
 */
public record HttpLimits(Duration readTimeout, int maxConnections, java.util.Set<String> allowedHosts) {
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);
    public static final int DEFAULT_MAX_CONNECTIONS = 500;

    public HttpLimits(Duration readTimeout, int maxConnections) {
        this(readTimeout, maxConnections, java.util.Set.of());
    }

    public HttpLimits {
        allowedHosts = java.util.Set.copyOf(allowedHosts);
        for (String h : allowedHosts) {
            if (!h.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("[daemon] allowed_hosts: \"" + h + "\" is not a host name; give names "
                        + "separated by commas, e.g. allowed_hosts = maomao.example.org.");
            }
        }
        if (readTimeout.compareTo(Duration.ofMillis(100)) < 0 || readTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("[daemon] read_timeout must be between 100ms and 10m, got "
                    + Durations.format(readTimeout) + ".");
        }
        if (maxConnections < 1 || maxConnections > 100_000) {
            throw new IllegalArgumentException("[daemon] max_connections must be between 1 and 100000, got " + maxConnections + ".");
        }
    }

    public static HttpLimits defaults() {
        return new HttpLimits(DEFAULT_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    /** Reads {@code [daemon] read_timeout}, {@code max_connections} and {@code allowed_hosts}. */
    static HttpLimits from(Settings s) {
        Duration read = Durations.parse("[daemon] read_timeout", s.get("daemon", "read_timeout")
                .orElse(Durations.format(DEFAULT_READ_TIMEOUT)));
        String max = s.get("daemon", "max_connections").orElse(Integer.toString(DEFAULT_MAX_CONNECTIONS)).trim();
        if (!max.matches("\\d{1,9}")) {
            throw new IllegalArgumentException("[daemon] max_connections \"" + max + "\" is not a whole number.");
        }
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>();
        for (String h : s.get("daemon", "allowed_hosts").orElse("").split("[,\\s]+")) {
            if (!h.isBlank()) {
                hosts.add(h.trim());
            }
        }
        return new HttpLimits(read, Integer.parseInt(max), hosts);
    }
}

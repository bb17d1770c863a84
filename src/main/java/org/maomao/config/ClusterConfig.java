package org.maomao.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.maomao.units.Durations;

/**
 * The {@code [cluster]} section: whether this daemon is one member of several sharing one
 * PostgreSQL store and one etcd, and how it shows itself to the others.
 *
 * @param enabled         {@code [cluster] enabled}: clustered Quartz, and membership in etcd
 * @param memberId        this member's id: its etcd key, its Quartz instance id (default hostname:port of the API)
 * @param apiUrl          the URL other members and clients reach this member's API at, or null to derive it
 *                        from {@code [daemon] listen} once the port is bound
 * @param leaseTtl        the TTL of the member's etcd lease: how long a killed member stays listed at most
 * @param checkinInterval how often Quartz checks in to the store; a member silent for longer is failed over
 */
public record ClusterConfig(boolean enabled, String memberId, URI apiUrl, Duration leaseTtl, Duration checkinInterval) {
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(10);
    /** Quartz's own default. */
    public static final Duration DEFAULT_CHECKIN_INTERVAL = Duration.ofMillis(7500);
    /** A member id: usable as an etcd key part, a Quartz instance id and a container label. */
    static final Pattern MEMBER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}");

    /** Not a cluster member: the single daemon. */
    public static ClusterConfig off() {
        return new ClusterConfig(false, null, null, DEFAULT_LEASE_TTL, DEFAULT_CHECKIN_INTERVAL);
    }

    /**
     * Reads {@code [cluster]}; with {@code enabled = true}, requires a PostgreSQL store and etcd
     * endpoints, and refuses with a sentence naming the missing setting and how to set it.
     */
    static ClusterConfig from(Settings s, String listenHost, int listenPort, String storeUrl, List<String> etcdEndpoints) {
        String enabledText = s.get("cluster", "enabled").orElse("false").trim().toLowerCase(java.util.Locale.ROOT);
        boolean enabled = switch (enabledText) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("[cluster] enabled \"" + enabledText + "\" must be true or false.");
        };
        Duration ttl = Durations.parse("[cluster] lease_ttl", s.get("cluster", "lease_ttl")
                .orElse(Durations.format(DEFAULT_LEASE_TTL)));
        // etcd grants leases in whole seconds, and will not keep one shorter than about 2 s
        if (ttl.toMillis() % 1000 != 0 || ttl.compareTo(Duration.ofSeconds(2)) < 0 || ttl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("[cluster] lease_ttl must be whole seconds between 2s and 1h, got "
                    + Durations.format(ttl) + "; e.g. lease_ttl = 10s.");
        }
        Duration checkin = Durations.parse("[cluster] checkin_interval", s.get("cluster", "checkin_interval")
                .orElse(Durations.format(DEFAULT_CHECKIN_INTERVAL)));
        if (checkin.compareTo(Duration.ofMillis(500)) < 0 || checkin.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("[cluster] checkin_interval must be between 500ms and 10m, got "
                    + Durations.format(checkin) + "; e.g. checkin_interval = 7500ms.");
        }
        URI apiUrl = s.get("cluster", "api_url").map(ClusterConfig::apiUrl).orElse(null);
        String id = s.get("cluster", "member_id").map(String::trim).orElse(null);
        if (id != null && !MEMBER_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("[cluster] member_id \"" + id + "\" must be 1 to 100 letters, digits, "
                    + "'.', '_', ':' or '-', starting with a letter or digit, e.g. host1:8080.");
        }
        if (!enabled) {
            return new ClusterConfig(false, id, apiUrl, ttl, checkin);
        }
        if (storeUrl == null || !storeUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("[cluster] enabled = true needs a PostgreSQL store that every member "
                    + "shares, but [store] url is " + (storeUrl == null ? "not set (the embedded H2 store)" : "not jdbc:postgresql:")
                    + ": set [store] url = jdbc:postgresql://HOST/DB (and user, password), or MAOMAO_STORE_URL.");
        }
        if (etcdEndpoints.isEmpty()) {
            throw new IllegalArgumentException("[cluster] enabled = true needs etcd for membership, but [etcd] endpoints "
                    + "is not set: set [etcd] endpoints = http://HOST:2379 (or MAOMAO_ETCD_ENDPOINTS).");
        }
        if (id == null) {
            if (listenPort == 0) {
                throw new IllegalArgumentException("[cluster] member_id must be set when [daemon] listen has port 0: "
                        + "the default, hostname:port, would not tell members apart; e.g. member_id = host1-a.");
            }
            id = hostname() + ":" + listenPort;
            if (!MEMBER_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("the default [cluster] member_id \"" + id + "\" (hostname:port) is not "
                        + "a valid member id: set [cluster] member_id, e.g. member_id = host1:8080.");
            }
        }
        return new ClusterConfig(true, id, apiUrl, ttl, checkin);
    }

    /**
     * The URL of this member's API: {@code api_url}, else http:// the listen address, with the
     * machine's name in place of a wildcard address (0.0.0.0 cannot be reached from elsewhere).
     */
    public String apiUrlFor(String listenHost, int boundPort) {
        if (apiUrl != null) {
            return apiUrl.toString();
        }
        String host = listenHost.equals("0.0.0.0") || listenHost.equals("::") || listenHost.isEmpty() ? hostname()
                : listenHost.contains(":") ? "[" + listenHost + "]" : listenHost;
        return "http://" + host + ":" + boundPort;
    }

    private static URI apiUrl(String text) {
        try {
            URI u = new URI(text.trim());
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                    && u.getUserInfo() == null && u.getQuery() == null && u.getFragment() == null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // the sentence below says what to write
        }
        throw new IllegalArgumentException("[cluster] api_url \"" + text + "\" is not an http(s) URL of this daemon's "
                + "API such as http://host1.example.org:8080.");
    }

    /** This machine's name, as the default member id and API host (looked up once: a lookup can be slow). */
    public static String hostname() {
        String h = hostname;
        if (h == null) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                String env = System.getenv("HOSTNAME");
                h = env == null || env.isBlank() ? "localhost" : env;
            }
            hostname = h;
        }
        return h;
    }

    private static volatile String hostname;
}

package org.maomao.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.maomao.collector.Containment;
import org.maomao.collector.RunPolicy;
import org.maomao.docker.ContainerUser;
import org.maomao.units.Durations;

/**
 * The daemon's settings, typed and validated at load time: every problem is reported
 * with a sentence saying how to fix it, before anything starts.
 */
public record DaemonConfig(String listenHost, int listenPort, Path dataDir, String token, int maxConcurrentRuns,
                           ZoneId timezone, Path collectorsDir, String storeUrl, String storeUser,
                           String storePassword, String dockerHost, RunPolicy defaults, Map<String, String> spike,
                           String gitAuthorName, String gitAuthorEmail, Duration shutdownGrace, boolean gitPush,
                           Duration gitPushRetry, List<String> etcdEndpoints, String etcdPrefix, URI spikeWebhook,
                           Duration spikeWebhookTimeout, List<String> allowedImages,
                           List<String> allowedRemotes, Containment containment, ContainerUser containerUser,
                           HttpLimits http, Duration lateAfter, ClusterConfig cluster,
                           WatchSettings watch) {

    public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/maomao");
    public static final int DEFAULT_MAX_CONCURRENT_RUNS = 4;
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
    public static final String DEFAULT_GIT_AUTHOR = "maomao <maomao@localhost>";
    /** How long a stopping daemon lets running runs finish before it stops their containers. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
    /** How often commits that could not be pushed are tried again. */
    public static final Duration DEFAULT_PUSH_RETRY = Duration.ofMinutes(1);
    /** The shortest token accepted on an address other machines can reach. */
    public static final int MIN_TOKEN_LENGTH = 16;
    /** A schedule whose fire time passed this long ago without firing is late (health, alert). */
    public static final Duration DEFAULT_LATE_AFTER = Duration.ofMinutes(5);
    /** Where maomao's keys live in etcd. */
    public static final String DEFAULT_ETCD_PREFIX = "/maomao";

    /** Reads and checks every section the daemon uses. */
    public static DaemonConfig from(Settings s) {
        String listen = s.get("daemon", "listen").orElse(DEFAULT_LISTEN);
        int colon = listen.lastIndexOf(':');
        if (colon <= 0 || colon == listen.length() - 1) {
            throw new IllegalArgumentException("[daemon] listen \"" + listen + "\" must be host:port, e.g. 127.0.0.1:8080.");
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int port = parsePort(listen.substring(colon + 1), listen);
        String token = s.get("daemon", "token").orElse(null);
        if (token == null && !isLoopback(host)) {
            throw new IllegalArgumentException("[daemon] listen " + listen + " is reachable from other machines, so a token "
                    + "is required: set [daemon] token = <a long random secret> (or MAOMAO_DAEMON_TOKEN), or listen on 127.0.0.1.");
        }
        if (token != null && !isLoopback(host) && token.length() < MIN_TOKEN_LENGTH) {
            // a short token can be guessed by anyone who reaches the port
            throw new IllegalArgumentException("[daemon] token is " + token.length() + " characters long, but listen "
                    + listen + " is reachable from other machines, so it must be at least " + MIN_TOKEN_LENGTH
                    + " characters: generate one with `openssl rand -hex 32`.");
        }
        Path dataDir = s.path("daemon", "data_dir").orElse(DEFAULT_DATA_DIR).toAbsolutePath();
        int max = parseInt(s.get("daemon", "max_concurrent_runs").orElse(Integer.toString(DEFAULT_MAX_CONCURRENT_RUNS)),
                "[daemon] max_concurrent_runs");
        if (max < 1 || max > 1000) {
            throw new IllegalArgumentException("[daemon] max_concurrent_runs must be between 1 and 1000, got " + max + ".");
        }
        ZoneId zone;
        try {
            zone = s.get("daemon", "timezone").map(ZoneId::of).orElse(ZoneId.systemDefault());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("[daemon] timezone \"" + s.get("daemon", "timezone").orElse("")
                    + "\" is unknown: use a name such as Europe/Berlin or UTC.");
        }
        Path collectors = s.path("daemon", "collectors_dir").orElse(null);
        RunPolicy defaults;
        try {
            defaults = RunPolicy.defaults().with(s.section("defaults"), false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[defaults] " + e.getMessage(), e);
        }
        Containment containment = Containment.from(s.section("docker"));
        try {
            containment.check(defaults);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[defaults] " + e.getMessage() + " Fix [defaults], or widen [docker] on purpose.", e);
        }
        ContainerUser user = containerUser(s.get("docker", "user").orElse(null));
        String author = s.get("git", "author").orElse(DEFAULT_GIT_AUTHOR);
        int lt = author.indexOf('<');
        if (lt < 1 || !author.endsWith(">")) {
            throw new IllegalArgumentException("[git] author \"" + author + "\" must look like: Name <email@example.org>.");
        }
        List<String> etcdEndpoints = s.get("etcd", "endpoints").map(DaemonConfig::endpoints).orElse(List.of());
        ClusterConfig cluster = ClusterConfig.from(s, host, port, s.get("store", "url").orElse(null), etcdEndpoints);
        return new DaemonConfig(host, port, dataDir, token, max, zone, collectors,
                s.get("store", "url").orElse(null), s.get("store", "user").orElse(null),
                s.get("store", "password").orElse(null),
                s.get("docker", "host").orElse(DEFAULT_DOCKER_HOST), defaults, s.section("spike"),
                author.substring(0, lt).trim(), author.substring(lt + 1, author.length() - 1).trim(),
                Durations.parse("[daemon] shutdown_grace", s.get("daemon", "shutdown_grace")
                        .orElse(Durations.format(DEFAULT_SHUTDOWN_GRACE))),
                parseBool(s.get("git", "push").orElse("true"), "[git] push"),
                Durations.parse("[git] push_retry", s.get("git", "push_retry").orElse(Durations.format(DEFAULT_PUSH_RETRY))),
                etcdEndpoints,
                s.get("etcd", "prefix").orElse(DEFAULT_ETCD_PREFIX),
                s.get("spike", "webhook").map(DaemonConfig::webhook).orElse(null),
                Durations.parse("[spike] webhook_timeout", s.get("spike", "webhook_timeout").orElse("5s")),
                s.get("daemon", "allowed_images").map(t -> List.of(t.trim().split("\\s*,\\s*"))).orElse(List.of()),
                s.get("git", "allowed_remotes").map(t -> List.of(t.trim().split("\\s*,\\s*")).stream()
                        .map(org.maomao.dataset.RemoteUrls::requireGlob).toList()).orElse(org.maomao.dataset.RemoteUrls.DEFAULT_ALLOWED),
                containment, user, HttpLimits.from(s),
                positive("[daemon] late_after", Durations.parse("[daemon] late_after",
                        s.get("daemon", "late_after").orElse(Durations.format(DEFAULT_LATE_AFTER)))), cluster,
                WatchSettings.from(s));
    }

    private static Duration positive(String what, Duration d) {
        if (d.isZero()) {
            throw new IllegalArgumentException(what + " must be more than 0, e.g. 5m.");
        }
        return d;
    }

    /** The container user: [docker] user, else nobody for a root daemon, else the daemon's own uid:gid. */
    private static ContainerUser containerUser(String configured) {
        long[] ids = ContainerUser.processIds();
        if (ids == null) {
            return configured == null ? ContainerUser.NOBODY : ContainerUser.parse(configured);
        }
        return ContainerUser.resolve(configured, ids[0], ids[1]);
    }

    /** The JDBC URL of the store: the setting, or the embedded H2 file under data_dir. */
    public String jdbcUrl() {
        return Optional.ofNullable(storeUrl).orElse("jdbc:h2:file:" + dataDir.resolve("db").resolve("maomao"));
    }

    public static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int parsePort(String text, String listen) {
        int p = parseInt(text, "[daemon] listen port");
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("[daemon] listen \"" + listen + "\" has no valid port (1-65535, or 0 for any free port).");
        }
        return p;
    }

    private static List<String> endpoints(String text) {
        List<String> out = new java.util.ArrayList<>();
        for (String e : text.split("[,\\s]+")) {
            if (!e.isBlank()) {
                if (!e.matches("https?://[A-Za-z0-9.\\[\\]:-]+(:\\d+)?/?")) {
                    throw new IllegalArgumentException("[etcd] endpoints: \"" + e + "\" is not like http://127.0.0.1:2379.");
                }
                out.add(e);
            }
        }
        return List.copyOf(out);
    }

    private static URI webhook(String text) {
        try {
            URI u = new URI(text.trim());
            if (u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")) && u.getHost() != null) {
                return u;
            }
        } catch (java.net.URISyntaxException e) {
            // the sentence below says what to write
        }
        throw new IllegalArgumentException("[spike] webhook \"" + text + "\" is not an http(s) URL such as https://example.org/hook.");
    }

    private static boolean parseBool(String text, String what) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(what + " \"" + text + "\" must be true or false.");
        };
    }

    private static int parseInt(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " \"" + text + "\" is not a whole number.");
        }
    }
}

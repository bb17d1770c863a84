package org.maomao.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.maomao.MaomaoDaemon;
import org.maomao.config.DaemonConfig;
import org.maomao.config.Settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real daemon for a test: its own data directory, an ephemeral port on loopback,
 * the real Docker engine, git and an H2 file store; plus a small HTTP client.
 */
public final class TestDaemon implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A client per start: a connection pooled for a stopped daemon is never tried on the next one. */
    private volatile HttpClient http;

    private final Path dataDir;
    private final Map<String, String> env;
    private MaomaoDaemon daemon;

    /** A response: status and body (parsed as JSON when it is JSON). */
    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /**
     * @param settings extra {@code MAOMAO_<SECTION>_<KEY>} style settings, e.g. "defaults.retries" → "0"
     */
    public TestDaemon(Path dataDir, Map<String, String> settings) {
        this.dataDir = dataDir;
        this.env = new LinkedHashMap<>();
        env.put("MAOMAO_DAEMON_LISTEN", "127.0.0.1:0");
        env.put("MAOMAO_DAEMON_DATA_DIR", dataDir.toString());
        env.put("MAOMAO_DEFAULTS_RETRY_BACKOFF", "1s");
        settings.forEach((k, v) -> env.put("MAOMAO_" + k.replace('.', '_').toUpperCase(), v));
        start();
    }

    /** Starts (or restarts) the daemon on the same data directory. */
    public TestDaemon start() {
        try {
            daemon = MaomaoDaemon.start(() -> DaemonConfig.from(Settings.fromLayers(List.of(), env)), Clock.systemUTC());
            http = HttpClient.newHttpClient();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Stops the daemon; {@link #start()} brings it back on the same data. */
    public void stop() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }

    /** The routes the API serves, as "METHOD /path". */
    public List<String> routes() {
        return daemon.routes();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + daemon.port() + path;
    }

    public Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).DELETE());
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void register(String name, String image, String extraJson) {
        Response r = post("/register", "{\"name\":\"" + name + "\",\"url\":\"" + image + "\"" + extraJson + "}");
        if (r.status() != 201 && r.status() != 200) {
            throw new AssertionError("register failed: " + r);
        }
    }

    /** Runs {@code name} now into {@code dataset} and returns the run's id. */
    public String runNow(String name, String dataset) {
        Response r = post("/run", "{\"name\":\"" + name + "\",\"dataset\":\"" + dataset + "\",\"cron\":false}");
        if (r.status() != 202) {
            throw new AssertionError("run failed: " + r);
        }
        return r.json().get("id").asText();
    }

    /** Polls the run until it has ended; returns its JSON. */
    public JsonNode awaitEnd(String runId, Duration timeout) {
        Set<String> ended = Set.of("succeeded", "failed", "timed_out", "cancelled");
        return Poll.until(timeout, "run " + runId + " to end", () -> {
            JsonNode n = get("/runs/" + runId).json();
            return ended.contains(n.get("state").asText()) ? n : null;
        });
    }

    @Override
    public void close() {
        stop();
    }
}

package org.maomao.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A client of {@code GET /watch} for a test: every line it reads, parsed, in the order it came. */
public final class Watcher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int status;
    private final String error;
    private final InputStream body;
    private final List<JsonNode> lines = new CopyOnWriteArrayList<>();
    private volatile boolean ended;
    private volatile String endedBy;

    private Watcher(int status, String error, InputStream body) {
        this.status = status;
        this.error = error;
        this.body = body;
        if (body != null) {
            Thread t = new Thread(this::read, "test-watcher");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Opens {@code GET <url>/watch?<query>} (with the token when not null). */
    public static Watcher open(String baseUrl, String query, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/watch" + (query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                try (InputStream in = r.body()) {
                    return new Watcher(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
                }
            }
            return new Watcher(200, null, r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            // closed by the test, or by the daemon; kept for a failure's message
            endedBy = e.toString();
        } finally {
            ended = true;
        }
    }

    public int status() {
        return status;
    }

    /** The error body of a refused watch. */
    public JsonNode error() {
        try {
            return JSON.readTree(error);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + error, e);
        }
    }

    public List<JsonNode> lines() {
        return List.copyOf(lines);
    }

    /** The lines of events of {@code kind}. */
    public List<JsonNode> events(String kind) {
        return lines.stream().filter(n -> kind.equals(n.path("kind").asText())).toList();
    }

    /** The revision of the start line, once it came. */
    public Long startRevision() {
        return lines.isEmpty() || !lines.get(0).has("revision") ? null : lines.get(0).get("revision").asLong();
    }

    public boolean ended() {
        return ended;
    }

    /** How the stream ended: the reader's exception, or null at the end of the stream (or still open). */
    public String endedBy() {
        return endedBy;
    }

    @Override
    public void close() {
        if (body != null) {
            try {
                body.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}

package org.maomao.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The CLI's HTTP client of a daemon: JSON in and out, errors turned into exit codes.
 * <p>
 * A request with an answer goes through {@link HttpURLConnection}, on the calling thread: a
 * {@code java.net.http} client builds the JVM's default SSL context even for plain HTTP, and keeps a
 * selector thread in native code, for which the JVM waits 300 ms at exit; together they were most
 * of a listing's time. A followed log goes through {@code java.net.http}, whose body can be closed
 * from another thread while a read waits on it (as {@code --timeout} does).
 */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final String base;
    private final String token;
    private HttpClient streaming;

    ApiClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    /** A failure with the exit code the CLI should end with. */
    static final class Failure extends RuntimeException {
        final ExitCode code;

        Failure(ExitCode code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** A status and a body. */
    record Response(int status, String body) {
    }

    JsonNode get(String path) {
        return json(send("GET", path, null, "application/json"));
    }

    JsonNode post(String path, Object body) {
        String text;
        try {
            text = body == null ? "" : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return json(send("POST", path, text, "application/json"));
    }

    /** DELETE; the daemon answers 204 with no body. */
    void delete(String path) {
        check(send("DELETE", path, null, "application/json"));
    }

    String text(String path) {
        return check(send("GET", path, null, "*/*")).body();
    }

    /** A streamed body (a followed log); the caller closes it. */
    InputStream stream(String path) {
        HttpRequest.Builder b;
        try {
            URI uri = URI.create(base + path);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("not http or https");
            }
            b = HttpRequest.newBuilder(uri).GET();
        } catch (IllegalArgumentException e) {
            throw new Failure(ExitCode.USAGE, "not a daemon URL: " + base + " (" + e.getMessage()
                    + "); give an http:// or https:// URL with --url or MAOMAO_URL");
        }
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> r;
        try {
            r = streamingClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | HttpTimeoutException e) {
            throw unreachable();
        } catch (IOException e) {
            throw new Failure(ExitCode.UNREACHABLE, "maomao daemon at " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(ExitCode.FAILED, "interrupted");
        }
        if (r.statusCode() >= 400) {
            String body;
            try (InputStream in = r.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            check(new Response(r.statusCode(), body));
        }
        return r.body();
    }

    /** GET that returns the status too, for checks that expect failures (health). */
    Response raw(String path) {
        return send("GET", path, null, "application/json");
    }

    String base() {
        return base;
    }

    private synchronized HttpClient streamingClient() {
        if (streaming == null) {
            streaming = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(CONNECT_TIMEOUT_MS)).build();
        }
        return streaming;
    }

    private Response send(String method, String path, String body, String accept) {
        HttpURLConnection c;
        try {
            if (!(URI.create(base + path).toURL().openConnection() instanceof HttpURLConnection h)) {
                throw new IllegalArgumentException("not http or https");
            }
            c = h;
        } catch (IOException | IllegalArgumentException e) {
            throw new Failure(ExitCode.USAGE, "not a daemon URL: " + base + " (" + e.getMessage()
                    + "); give an http:// or https:// URL with --url or MAOMAO_URL");
        }
        try {
            c.setRequestMethod(method);
            c.setConnectTimeout(CONNECT_TIMEOUT_MS);
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("Accept", accept);
            if (token != null && !token.isBlank()) {
                c.setRequestProperty("Authorization", "Bearer " + token);
            }
            byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
            if (bytes != null) {
                c.setRequestProperty("Content-Type", "application/json");
                c.setDoOutput(true);
                // a fixed length also keeps the connection from sending a POST twice on a retry
                c.setFixedLengthStreamingMode(bytes.length);
            }
            try {
                c.connect();
            } catch (ConnectException | SocketTimeoutException | UnknownHostException | NoRouteToHostException e) {
                throw unreachable();
            }
            if (bytes != null) {
                try (OutputStream out = c.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status;
            try {
                status = c.getResponseCode();
            } catch (java.net.HttpRetryException e) {
                return new Response(e.responseCode(), ""); // an authentication challenge to a POST
            }
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new Response(status, in == null ? "" : read(in));
        } catch (Failure f) {
            throw f;
        } catch (IOException e) {
            throw new Failure(ExitCode.UNREACHABLE, "maomao daemon at " + base + " failed: " + e.getMessage());
        }
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        }
    }

    private Failure unreachable() {
        return new Failure(ExitCode.UNREACHABLE, "maomao daemon not reachable at " + base
                + " (start it with `maomao daemon`, or point --url / MAOMAO_URL at it)");
    }

    private static JsonNode json(Response r) {
        check(r);
        try {
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Failure(ExitCode.FAILED, "the daemon's answer is not JSON: " + e.getMessage());
        }
    }

    private static Response check(Response r) {
        int s = r.status();
        if (s < 400) {
            return r;
        }
        String message = "HTTP " + s;
        try {
            JsonNode n = JSON.readTree(r.body());
            if (n != null && n.has("message")) {
                message = n.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: keep the status
        }
        if (s == 401) {
            throw new Failure(ExitCode.USAGE, message + " (give --token or MAOMAO_TOKEN)");
        }
        throw new Failure(s < 500 ? ExitCode.USAGE : ExitCode.FAILED, message);
    }
}

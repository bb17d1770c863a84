package org.maomao.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The CLI's HTTP client of a daemon: JSON in and out, errors turned into exit codes. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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

    JsonNode get(String path) {
        return json(send(request(path).GET(), HttpResponse.BodyHandlers.ofString()));
    }

    JsonNode post(String path, Object body) {
        String text;
        try {
            text = body == null ? "" : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return json(send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text)), HttpResponse.BodyHandlers.ofString()));
    }

    /** DELETE; the daemon answers 204 with no body. */
    void delete(String path) {
        check(send(request(path).DELETE(), HttpResponse.BodyHandlers.ofString()));
    }

    String text(String path) {
        return check(send(request(path).GET(), HttpResponse.BodyHandlers.ofString())).body();
    }

    /** A streamed body (a followed log); the caller closes it. */
    InputStream stream(String path) {
        return check(send(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream())).body();
    }

    /** GET that returns the status too, for checks that expect failures (health). */
    HttpResponse<String> raw(String path) {
        return send(request(path).GET(), HttpResponse.BodyHandlers.ofString());
    }

    String base() {
        return base;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(b.build(), handler);
        } catch (ConnectException | HttpTimeoutException e) {
            throw new Failure(ExitCode.UNREACHABLE, "maomao daemon not reachable at " + base
                    + " (start it with `maomao daemon`, or point --url / MAOMAO_URL at it)");
        } catch (IOException e) {
            throw new Failure(ExitCode.UNREACHABLE, "maomao daemon at " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(ExitCode.FAILED, "interrupted");
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        check(r);
        try {
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Failure(ExitCode.FAILED, "the daemon's answer is not JSON: " + e.getMessage());
        }
    }

    private static <T> HttpResponse<T> check(HttpResponse<T> r) {
        int s = r.statusCode();
        if (s < 400) {
            return r;
        }
        String message = "HTTP " + s;
        Object body = r.body();
        if (body instanceof String text) {
            try {
                JsonNode n = JSON.readTree(text);
                if (n.has("message")) {
                    message = n.get("message").asText();
                }
            } catch (IOException e) {
                // not JSON: keep the status
            }
        }
        if (s == 401) {
            throw new Failure(ExitCode.USAGE, message + " (give --token or MAOMAO_TOKEN)");
        }
        throw new Failure(s < 500 ? ExitCode.USAGE : ExitCode.FAILED, message);
    }
}

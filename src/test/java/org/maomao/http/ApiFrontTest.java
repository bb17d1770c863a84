package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.maomao.config.HttpLimits;
import org.maomao.run.RunQuery;
import org.maomao.schedule.Schedule;
import org.maomao.testing.RawHttp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What sits in front of every route, without a daemon: the token, and every refusal or failure
 * as {@code {"error","message"}}. The server gets only the system parts it needs here (health,
 * reload, key, metrics); routes that would touch a store are not called.
 */
class ApiFrontTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    ApiServer api;
    int port;
    /** What the late-schedule watch reports. */
    volatile List<Schedule> late = List.of();

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    void start(String token, Map<String, BooleanSupplier> health, Supplier<Map<String, Object>> reload) {
        api = new ApiServer(new ApiServer.Parts(null, null, null, null, null, null, null, health, reload,
                () -> "ssh-ed25519 AAAA test", () -> "# metrics\n", () -> late, null), token, HttpLimits.defaults());
        api.serveWatch(new org.maomao.notify.LocalNotifications(), 4, java.time.Duration.ofSeconds(15));
        port = api.start("127.0.0.1", 0);
    }

    HttpResponse<String> send(String method, String path, String auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return JSON.readTree(r.body());
    }

    @Test
    void should_document_every_route_it_registers() throws Exception {
        start(null, Map.of(), Map::of);
        JsonNode doc = JSON.readTree(SystemApi.openApi());
        List<String> documented = new ArrayList<>();
        doc.get("paths").properties().forEach(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        assertThat(api.routeList()).hasSizeGreaterThan(25).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void should_refuse_a_missing_or_wrong_token_everywhere_but_health() throws Exception {
        start("s3cret", Map.of(), Map::of);
        for (String auth : new String[] {null, "Bearer wrong", "s3cret", "Bearer s3cret2", "Bearer s3cre"}) {
            HttpResponse<String> r = send("GET", "/metrics", auth);
            assertThat(r.statusCode()).as(auth).isEqualTo(401);
            assertThat(json(r).get("error").asText()).isEqualTo("unauthorized");
            assertThat(json(r).get("message").asText()).contains("Authorization: Bearer <token>");
        }
        // a wrong token on an unknown path is still a 401: nothing about the routes is told before auth
        assertThat(send("GET", "/nope", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/metrics", "Bearer s3cret").body()).isEqualTo("# metrics\n");
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
    }

    /**
     * Jetty caches header lines per connection and, by default, matches the cache without regard
     * to case: on a kept-alive connection "Bearer S3CRET" was read as the "Bearer s3cret" sent
     * before it (and let in), and the right token after a wrong-cased one was refused.
     */
    @Test
    void should_compare_the_token_exactly_on_a_kept_alive_connection() throws Exception {
        start("s3cret", Map.of(), Map::of);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            assertThat(exchange(s, "Bearer s3cret").status()).isEqualTo(200);
            assertThat(exchange(s, "Bearer S3CRET").status()).isEqualTo(401);
            assertThat(exchange(s, "bearer s3cret").status()).isEqualTo(401);
            assertThat(exchange(s, "Bearer s3cret").status()).isEqualTo(200);
        }
    }

    /**
     * A web page must not drive the API: a request to a name other than a loopback one (DNS rebinding)
     * is refused, and so is a change sent by a browser from another site; curl and the CLI send neither
     * header, the daemon's own pages send their own origin.
     */
    @Test
    void should_refuse_requests_through_a_rebound_name_and_changes_from_other_sites() throws Exception {
        start(null, Map.of(), () -> Map.of("declared", List.of(), "removed", List.of()));
        String reload = "POST /reload HTTP/1.1\r\nHost: %s\r\n%sContent-Length: 0\r\nConnection: close\r\n\r\n";
        String local = "127.0.0.1:" + port;
        assertThat(RawHttp.exchange(port, String.format(reload, local, "")).status()).isEqualTo(200); // curl, the CLI
        assertThat(RawHttp.exchange(port, String.format(reload, "localhost:" + port, "")).status()).isEqualTo(200);
        assertThat(RawHttp.exchange(port, String.format(reload, "[::1]:" + port, "")).status()).isEqualTo(200);
        assertThat(RawHttp.exchange(port, String.format(reload, local,
                "Origin: http://" + local + "\r\nSec-Fetch-Site: same-origin\r\n")).status()).isEqualTo(200); // its own page
        for (String refused : List.of(
                String.format(reload, "evil.example:" + port, ""), // a rebound name, even with its own origin
                String.format(reload, "evil.example:" + port, "Origin: http://evil.example:" + port + "\r\n"),
                "GET /metrics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", // reading, too
                String.format(reload, local, "Origin: http://evil.example\r\n"), // a form of another site
                String.format(reload, local, "Origin: null\r\n"),
                String.format(reload, local, "Sec-Fetch-Site: cross-site\r\n"),
                String.format(reload, local, "Origin: http://127.0.0.1:1\r\nSec-Fetch-Site: same-site\r\n"))) {
            RawHttp.Response r = RawHttp.exchange(port, refused);
            assertThat(r.status()).as(refused).isEqualTo(403);
            assertThat(JSON.readTree(r.body()).get("message").asText()).as(refused).isNotBlank();
        }
        // a page of another site may still read nothing it could not before: GETs need no Origin check,
        // and the name check stops a rebound page reading
        assertThat(RawHttp.exchange(port, "GET /metrics HTTP/1.1\r\nHost: " + local
                + "\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n").status()).isEqualTo(200);
    }

    @Test
    void should_answer_a_proxy_name_given_in_allowed_hosts() throws Exception {
        api = new ApiServer(new ApiServer.Parts(null, null, null, null, null, null, null, Map.of(), Map::of,
                () -> "ssh-ed25519 AAAA test", () -> "# metrics\n", () -> late, null), null,
                new HttpLimits(HttpLimits.DEFAULT_READ_TIMEOUT, 10, java.util.Set.of("maomao.example.org")));
        port = api.start("127.0.0.1", 0);
        assertThat(RawHttp.exchange(port, "GET /metrics HTTP/1.1\r\nHost: maomao.example.org\r\nConnection: close\r\n\r\n")
                .status()).isEqualTo(200);
        assertThat(RawHttp.exchange(port, "GET /metrics HTTP/1.1\r\nHost: other.example.org\r\nConnection: close\r\n\r\n")
                .status()).isEqualTo(403);
    }

    static RawHttp.Response exchange(Socket s, String auth) throws IOException {
        s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + auth + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return RawHttp.read(s.getInputStream());
    }

    @Test
    void should_answer_unknown_paths_and_methods_as_json_errors() throws Exception {
        start(null, Map.of(), Map::of);
        HttpResponse<String> nope = send("GET", "/nope", null);
        assertThat(nope.statusCode()).isEqualTo(404);
        assertThat(json(nope).get("error").asText()).isEqualTo("not_found");
        assertThat(json(nope).get("message").asText()).isEqualTo("no such endpoint: GET /nope; GET /openapi.json lists them.");
        HttpResponse<String> put = send("PUT", "/health", null); // a known path with a method it lacks is not found either
        assertThat(put.statusCode()).isEqualTo(404);
        assertThat(json(put).get("message").asText()).isEqualTo("no such endpoint: PUT /health; GET /openapi.json lists them.");
    }

    @Test
    void should_map_refusals_and_failures_of_a_route() throws Exception {
        start(null, Map.of(), () -> {
            throw new IllegalArgumentException("config line 3: \"x\" is not a setting.");
        });
        HttpResponse<String> bad = send("POST", "/reload", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("error").asText()).isEqualTo("bad_request");
        assertThat(json(bad).get("message").asText()).isEqualTo("config line 3: \"x\" is not a setting.");
        api.close();

        start(null, Map.of(), () -> {
            throw new IllegalStateException("disk on fire");
        });
        HttpResponse<String> broken = send("POST", "/reload", null);
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(json(broken).get("error").asText()).isEqualTo("internal");
        assertThat(json(broken).get("message").asText()).isEqualTo("maomao failed to handle the request: disk on fire");

        HttpResponse<String> limit = send("GET", "/runs?limit=0", null);
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(json(limit).get("message").asText()).isEqualTo("query parameter limit=\"0\" must be a whole number from 1 to "
                + RunQuery.MAX_LIMIT + ".");
    }

    @Test
    void should_report_health_down_as_503_with_each_component() throws Exception {
        start(null, Map.of("docker", () -> false, "store", () -> true), Map::of);
        HttpResponse<String> r = send("GET", "/health", null);
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode body = json(r);
        assertThat(body.get("status").asText()).isEqualTo("degraded");
        assertThat(body.get("components").get("docker").asText()).isEqualTo("down");
        assertThat(body.get("components").get("store").asText()).isEqualTo("up");
        assertThat(body.get("components").get("etcd").asText()).isEqualTo("disabled");
    }

    @Test
    void should_report_a_late_schedule_as_degraded_with_the_schedule_and_recover_when_it_fires() throws Exception {
        start(null, Map.of("docker", () -> true, "store", () -> true), Map::of);
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
        Instant due = Instant.parse("2026-03-01T10:00:00Z");
        late = List.of(new Schedule("loadavg@host", "loadavg", "host", "*/5 * * * *", "0 0/5 * * * ?", "UTC", "file",
                false, List.of(due)));
        HttpResponse<String> r = send("GET", "/health", null);
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode body = json(r);
        assertThat(body.get("status").asText()).isEqualTo("degraded");
        assertThat(body.get("components").get("docker").asText()).isEqualTo("up");
        assertThat(body.get("late").get(0).get("schedule").asText()).isEqualTo("loadavg@host");
        assertThat(body.get("late").get(0).get("due").asText()).isEqualTo(due.toString());
        late = List.of();
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
    }
}

package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The OpenAPI document against the routes, the metrics against promtool, and the token and image rules. */
class ApiDocsAndSecurityTest {
    @TempDir
    Path dir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void should_document_exactly_the_routes_the_server_has() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        JsonNode doc = daemon.get("/openapi.json").json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        List<String> documented = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(daemon.routes());
    }

    @Test
    void should_export_metrics_that_promtool_accepts() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        String quick = TestImages.collector("maomao-test/quick:metrics", "echo hi\n");
        daemon.register("quick", quick, "");
        daemon.awaitEnd(daemon.runNow("quick", "none"), java.time.Duration.ofSeconds(60));
        // the run's end is stored a moment before it is counted: metrics are read until they show it
        TestDaemon.Response m = org.maomao.testing.Poll.until(java.time.Duration.ofSeconds(30), "the run in /metrics", () -> {
            TestDaemon.Response r = daemon.get("/metrics");
            return r.body().contains("maomao_run_duration_seconds_bucket") ? r : null;
        });
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.body()).contains("maomao_runs_total{collector=\"quick\",state=\"succeeded\"} 1.0",
                "maomao_run_duration_seconds_bucket", "maomao_run_queue_depth", "maomao_schedules",
                "maomao_component_errors_total{component=\"docker\"} 0.0");
        Path file = Files.writeString(dir.resolve("metrics.txt"), m.body());
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void should_require_the_token_everywhere_but_health() throws Exception {
        ch.qos.logback.classic.Logger apiLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.maomao.http.ApiServer.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        apiLog.addAppender(logged);
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.token", "s3cret-token"));
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/collectors", "/runs", "/", "/metrics", "/openapi.json")) {
            assertThat(send(http, path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(send(http, path, "Bearer wrong").statusCode()).as(path).isEqualTo(401);
            assertThat(send(http, path, "Bearer s3cret-token").statusCode()).as(path).isEqualTo(200);
        }
        assertThat(send(http, "/health", null).statusCode()).isEqualTo(200);
        HttpResponse<String> r = send(http, "/collectors", "Bearer wrong");
        assertThat(new ObjectMapper().readTree(r.body()).get("message").asText()).contains("Authorization: Bearer");
        apiLog.detachAppender(logged);
        String log = String.join("\n", logged.list.stream().map(e -> e.getFormattedMessage()).toList());
        assertThat(log).contains("refused GET /collectors", "wrong token").doesNotContain("s3cret-token").doesNotContain("Bearer wrong");
    }

    @Test
    void should_register_only_allowed_images() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.allowed_images", "maomao/*, registry.example/team/*"));
        assertThat(daemon.post("/register", "{\"name\":\"a\",\"url\":\"maomao/dummy:latest\"}").status()).isEqualTo(201);
        assertThat(daemon.post("/register", "{\"name\":\"b\",\"url\":\"registry.example/team/x:1\"}").status()).isEqualTo(201);
        TestDaemon.Response no = daemon.post("/register", "{\"name\":\"c\",\"url\":\"evil/miner:latest\"}");
        assertThat(no.status()).isEqualTo(403);
        assertThat(no.json().get("message").asText()).contains("allowed_images");
        assertThat(daemon.get("/collectors").json().findValuesAsText("name")).containsExactly("a", "b");
    }

    HttpResponse<String> send(HttpClient http, String path, String auth) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(daemon.url(path)));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.TestDaemon;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** A client guessing tokens against a real daemon fills no log: two WARN lines for 2,000 refusals. */
class FailedAuthLoggingTest {
    @TempDir
    Path dir;

    @Test
    void should_log_a_guessing_client_once_not_per_request() throws Exception {
        Logger apiLog = (Logger) LoggerFactory.getLogger(org.maomao.http.ApiServer.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        apiLog.addAppender(logged);
        String token = "a-long-enough-token-0123456789";
        try (TestDaemon daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.token", token))) {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 1000; i++) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(daemon.url("/collectors")));
                assertThat(http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
                b.header("Authorization", "Bearer guess-" + i);
                assertThat(http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
            }
            HttpRequest ok = HttpRequest.newBuilder(URI.create(daemon.url("/collectors")))
                    .header("Authorization", "Bearer " + token).build();
            assertThat(http.send(ok, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        } finally {
            apiLog.detachAppender(logged);
        }
        List<String> refused = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("refused") || m.contains("failed attempts")).toList();
        assertThat(refused).hasSize(2);
        assertThat(refused).anyMatch(m -> m.contains("no Authorization header")).anyMatch(m -> m.contains("wrong token"));
        assertThat(String.join("\n", refused)).doesNotContain("guess-", "Bearer", token);
    }
}

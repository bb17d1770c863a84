package org.maomao.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.maomao.run.AlertNotifier;
import org.maomao.run.CollectionAlert;
import org.maomao.spike.SpikeJson;
import org.maomao.spike.SpikeNotifier;
import org.maomao.spike.SpikeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each spike as JSON to {@code [spike] webhook}, off the run's thread, with a
 * timeout per attempt and retries with doubling waits; a receiver that stays down only
 * costs log lines.
 */
public final class WebhookSpikeNotifier implements SpikeNotifier, AlertNotifier, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSpikeNotifier.class);
    public static final int ATTEMPTS = 4;
    public static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final URI url;
    private final Duration timeout;
    private final HttpClient http;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spike-webhook");
        t.setDaemon(true);
        return t;
    });

    public WebhookSpikeNotifier(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void notify(SpikeRecord spike) {
        String body = SpikeJson.text(spike);
        retries.execute(() -> send(body, 1));
    }

    /** POSTs a collection alert the same way ({@code {"alert":"failing"|"recovered",...}}). */
    @Override
    public void alert(CollectionAlert alert) {
        String body = alert.text();
        retries.execute(() -> send(body, 1));
    }

    private void send(String body, int attempt) {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e == null && r.statusCode() / 100 == 2) {
                return;
            }
            String why = e != null ? e.toString() : "HTTP " + r.statusCode();
            if (attempt >= ATTEMPTS) {
                log.warn("spike webhook {} failed {} times, giving up: {}", url, attempt, why);
                return;
            }
            long wait = FIRST_RETRY.toMillis() << (attempt - 1);
            log.info("spike webhook {} failed ({}); retry {} in {} ms", url, why, attempt + 1, wait);
            retries.schedule(() -> send(body, attempt + 1), wait, TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}

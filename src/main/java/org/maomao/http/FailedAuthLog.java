package org.maomao.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;

/**
 * Logs refused authentications without letting a client flood the log: the first
 * failure of a client (remote address, per reason) is logged in full, later ones are
 * counted and summed up in at most one line per client per minute. The token a client
 * sent is never logged. A client quiet for a whole minute starts afresh.
 */
final class FailedAuthLog {
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Clients tracked at once; failures of further clients are summed up together. */
    static final int MAX_CLIENTS = 10_000;
    static final String OTHER_CLIENTS = "other clients";

    private final Logger log;
    private final Clock clock;
    private final Map<String, Window> clients = new LinkedHashMap<>();

    private static final class Window {
        final String client;
        final String reason;
        Instant start;
        long suppressed;

        Window(String client, String reason, Instant start) {
            this.client = client;
            this.reason = reason;
            this.start = start;
        }
    }

    FailedAuthLog(Logger log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Records one refused request; {@code reason} says what was wrong, never what was sent. */
    synchronized void refused(String client, String method, String path, String reason) {
        Instant now = clock.instant();
        flush(now);
        String key = client + " " + reason;
        Window w = clients.get(key);
        if (w != null) {
            w.suppressed++;
            return;
        }
        if (clients.size() >= MAX_CLIENTS) {
            clients.computeIfAbsent(OTHER_CLIENTS, k -> new Window(OTHER_CLIENTS, "refused", now)).suppressed++;
            return;
        }
        clients.put(key, new Window(client, reason, now));
        log.warn("refused {} {} from {}: {} (further failures from it are summed up once a minute)",
                method, Texts.clip(path), client, reason);
    }

    /** Writes the summary of each client whose minute is over, and forgets clients that were quiet. */
    synchronized void flush() {
        flush(clock.instant());
    }

    private void flush(Instant now) {
        for (Iterator<Window> it = clients.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (w.start.plus(WINDOW).isAfter(now)) {
                continue;
            }
            if (w.suppressed == 0) {
                it.remove();
            } else {
                log.warn("{} more failed attempts from {} in the last minute ({})", w.suppressed, w.client, w.reason);
                w.suppressed = 0;
                w.start = now;
            }
        }
    }
}

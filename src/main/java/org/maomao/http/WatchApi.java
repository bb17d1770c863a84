package org.maomao.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.server.Request;
import org.maomao.notify.Notification;
import org.maomao.notify.NotificationSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javalin.http.Context;

/**
 * {@code GET /watch}: spikes and alerts (and with {@code ?runs=true} run ends) as they happen, as
 * NDJSON: a {@code start} line with the revision the stream follows, then one line per event, and
 * a {@code heartbeat} line after 15 s of silence. With etcd these are the events of every daemon
 * on the prefix, and {@code ?from_revision=N} first replays those since N. At most
 * {@code [daemon] max_watchers} streams at once; a watcher that does not read is dropped.
 */
final class WatchApi implements Resource {
    private static final Logger log = LoggerFactory.getLogger(WatchApi.class);

    private final NotificationSource source;
    private final int maxWatchers;
    private final Duration heartbeat;
    private final AtomicInteger watchers = new AtomicInteger();

    WatchApi(NotificationSource source, int maxWatchers, Duration heartbeat) {
        this.source = source;
        this.maxWatchers = maxWatchers;
        this.heartbeat = heartbeat;
    }

    /** The streams open now. */
    int open() {
        return watchers.get();
    }

    @Override
    public void register(Routes routes) {
        routes.get("/watch", this::watch);
    }

    private void watch(Context ctx) {
        boolean runs = bool("runs", ctx.queryParam("runs"));
        Long from = revision(ctx.queryParam("from_revision"));
        if (from != null && !source.resumable()) {
            throw ApiException.badRequest("from_revision needs etcd: this daemon has no [etcd] endpoints, so it keeps no "
                    + "history to resume from; leave from_revision out.");
        }
        if (watchers.incrementAndGet() > maxWatchers) {
            watchers.decrementAndGet();
            ctx.header("Retry-After", "10");
            throw new ApiException(503, "too_many_watchers", "this daemon already streams to " + maxWatchers
                    + " watchers ([daemon] max_watchers); try again later, watch another member, or raise the setting.");
        }
        try {
            stream(ctx, runs, from);
        } finally {
            watchers.decrementAndGet();
        }
    }

    private void stream(Context ctx, boolean runs, Long from) {
        String client = ctx.ip(); // read now: unknown once the connection is closed
        WatchStream stream = new WatchStream(runs, () -> Request.getBaseRequest(ctx.req()).getHttpChannel().getEndPoint().close());
        NotificationSource.Subscription sub;
        try {
            sub = source.subscribe(stream);
        } catch (IllegalStateException e) {
            throw new ApiException(503, "unavailable", "cannot watch: " + Texts.clip(e.getMessage())
                    + "; check [etcd] endpoints and that etcd is up (maomao doctor).");
        }
        try (sub) {
            ctx.status(200);
            ctx.res().setContentType("application/x-ndjson; charset=utf-8");
            ctx.header("Cache-Control", "no-store");
            // the servlet's own stream: Javalin's wraps it for compression and drops flush()
            OutputStream out = ctx.res().getOutputStream();
            out.write(Notification.startLine(sub.revision()).getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (from != null) {
                try {
                    sub.replay(from, n -> stream.write(out, n));
                } catch (IllegalStateException e) {
                    out.write(Notification.errorLine("unavailable", "cannot replay from revision " + from + ": "
                            + e.getMessage() + "; reconnect to try again.").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    return;
                }
            }
            stream.pump(out, heartbeat);
        } catch (IOException e) {
            // the client went away, or was dropped: nothing more to send
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the daemon stops: the client reconnects to it or another member
        } finally {
            if (stream.dropped()) {
                log.warn("dropped the watcher at {}: it left over {} bytes of events unread; it can resume from its last revision",
                        client, WatchStream.MAX_BUFFERED);
            }
        }
    }

    private static boolean bool(String name, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiException.badRequest("query parameter " + name + "=\"" + Texts.clip(value) + "\" must be true or false.");
    }

    private static Long revision(String value) {
        if (value == null) {
            return null;
        }
        if (value.matches("[0-9]{1,18}") && Long.parseLong(value) >= 1) {
            return Long.parseLong(value);
        }
        throw ApiException.badRequest("query parameter from_revision=\"" + Texts.clip(value)
                + "\" must be a whole number from 1, the revision after the last one received.");
    }
}

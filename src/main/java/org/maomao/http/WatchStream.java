package org.maomao.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.maomao.notify.Notification;
import org.maomao.notify.NotificationSink;

/**
 * One watcher's stream of {@code GET /watch}: live notifications wait in a buffer of at most
 * {@link #MAX_BUFFERED} bytes until the request's thread writes them, one NDJSON line each,
 * flushed. A watcher that lets the buffer fill (it does not read, or reads too slowly) is
 * disconnected at once, so it never grows the daemon's memory; it can resume from its last revision.
 */
final class WatchStream implements NotificationSink {
    /** The most bytes of lines buffered for one watcher. */
    static final long MAX_BUFFERED = 1 << 20;
    static final byte[] HEARTBEAT = "{\"kind\":\"heartbeat\"}\n".getBytes(StandardCharsets.UTF_8);
    /** Wakes the writer: the watcher was dropped, or the source failed. */
    private static final byte[] WAKE = new byte[0];

    private final boolean runs;
    private final Runnable disconnect;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong buffered = new AtomicLong();
    private volatile boolean dropped;
    private volatile String failure;

    /**
     * @param runs       whether run ends are streamed too
     * @param disconnect closes the connection at once (unblocks a write the client does not read)
     */
    WatchStream(boolean runs, Runnable disconnect) {
        this.runs = runs;
        this.disconnect = disconnect;
    }

    boolean wanted(Notification n) {
        return runs || n.kind() != Notification.Kind.RUN;
    }

    @Override
    public void offer(Notification n) {
        if (dropped || !wanted(n)) {
            return;
        }
        byte[] line = n.line().getBytes(StandardCharsets.UTF_8);
        if (buffered.addAndGet(line.length) > MAX_BUFFERED) {
            dropped = true;
            queue.offer(WAKE);
            disconnect.run();
            return;
        }
        queue.offer(line);
    }

    @Override
    public void failed(String message) {
        failure = message;
        queue.offer(WAKE);
    }

    /** Whether the watcher was disconnected for not reading. */
    boolean dropped() {
        return dropped;
    }

    /** Writes one replayed notification now (blocking while the client does not read). */
    void write(OutputStream out, Notification n) throws IOException {
        if (wanted(n)) {
            out.write(n.line().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Writes live notifications as they come, and a heartbeat line after {@code heartbeat} of
     * silence (a dead connection then fails a write), until the watcher is dropped, the source
     * fails (an error line, then the end) or the client goes away (an IOException).
     */
    void pump(OutputStream out, Duration heartbeat) throws IOException, InterruptedException {
        out.flush();
        while (true) {
            byte[] line = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                out.write(HEARTBEAT);
                out.flush();
                continue;
            }
            if (line == WAKE) {
                if (dropped) {
                    return;
                }
                out.write(Notification.errorLine("unavailable", failure).getBytes(StandardCharsets.UTF_8));
                out.flush();
                return;
            }
            buffered.addAndGet(-line.length);
            out.write(line);
            if (queue.isEmpty()) {
                out.flush();
            }
        }
    }
}

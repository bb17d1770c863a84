package org.maomao.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.maomao.run.Run;
import org.maomao.run.RunExecutor;
import org.maomao.run.RunStore;

import io.javalin.http.Context;

/** {@code GET /runs/{id}/log}: a run's log streamed, never loaded whole; with {@code ?follow=true} as it grows. */
final class LogStreaming {
    /** How often a followed log is checked for new lines while its run goes on. */
    static final Duration FOLLOW_POLL = Duration.ofMillis(200);

    private final RunExecutor executor;
    private final RunStore runs;

    LogStreaming(RunExecutor executor, RunStore runs) {
        this.executor = executor;
        this.runs = runs;
    }

    void send(Context ctx, Run r) throws IOException, InterruptedException {
        Path file = executor.runDir(r.id()).resolve("log");
        ctx.contentType("text/plain; charset=utf-8");
        ctx.header("X-Content-Type-Options", "nosniff"); // collector output: never sniffed as HTML
        if ("true".equals(ctx.queryParam("follow"))) {
            follow(ctx, r.id(), file);
            return;
        }
        if (!Files.exists(file)) {
            ctx.result("");
            return;
        }
        ctx.result(Files.newInputStream(file)); // streamed, never loaded whole
    }

    /**
     * Streams the log as it grows until the run has ended and everything is sent (or
     * the client goes away), flushing each piece, like {@code tail -f}.
     */
    private void follow(Context ctx, String runId, Path file) throws IOException, InterruptedException {
        // the servlet's own stream: Javalin's (ctx.outputStream()) wraps it for compression and
        // drops flush(), so a followed log arrived only when 32 KiB had gathered or the run ended
        OutputStream out = ctx.res().getOutputStream();
        long pos = 0;
        byte[] buf = new byte[8192];
        while (true) {
            boolean ended = runs.find(runId).map(x -> x.state().isFinal()).orElse(true);
            if (Files.exists(file)) {
                try (SeekableByteChannel ch = Files.newByteChannel(file)) {
                    ch.position(pos);
                    ByteBuffer bb = ByteBuffer.wrap(buf);
                    int n;
                    while ((n = ch.read(bb)) > 0) {
                        out.write(buf, 0, n);
                        pos += n;
                        bb.clear();
                    }
                }
                out.flush();
            }
            if (ended) {
                return; // read once more after the end was seen, so the tail is never lost
            }
            executor.awaitEnd(runId, FOLLOW_POLL);
        }
    }
}

package org.maomao.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

import io.javalin.http.Context;

/**
 * Reads a request's body, never more than {@link #MAX_BYTES}, whatever the transfer
 * encoding. Javalin's own cap trusts Content-Length, so a chunked body had none; here
 * the bytes are counted as they arrive, and reading stops one byte past the cap.
 */
final class RequestBody {
    private static final String READ = RequestBody.class.getName() + ".read";
    /**
     * Bodies read at once. Reading blocks a request thread, so clients trickling their
     * bodies could otherwise take every thread until read_timeout; a body normally
     * arrives in one packet, so a permit is held for microseconds.
     */
    static final int MAX_CONCURRENT_READS = 32;
    private static final Semaphore READERS = new Semaphore(MAX_CONCURRENT_READS);
    /** Largest request body accepted. */
    static final int MAX_BYTES = 1 << 20;

    private RequestBody() {
    }

    /** The body as UTF-8; throws a 413 {@link ApiException} past the cap (and the connection is then closed). */
    static String read(Context ctx) {
        if (ctx.req().getAttribute(READ) instanceof String done) {
            return done;
        }
        if (!READERS.tryAcquire()) {
            ctx.header("Retry-After", "5");
            RequestDeadline.closeAfterResponse(ctx.req());
            throw new ApiException(503, "busy", "too many request bodies are arriving at once (" + MAX_CONCURRENT_READS
                    + "); try again in a few seconds.");
        }
        try {
            return readHeld(ctx);
        } finally {
            READERS.release();
        }
    }

    private static String readHeld(Context ctx) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (InputStream in = ctx.req().getInputStream()) {
            int n;
            while ((n = in.read(buf, 0, (int) Math.min(buf.length, MAX_BYTES + 1L - out.size()))) > 0) {
                out.write(buf, 0, n);
                if (out.size() > MAX_BYTES) {
                    throw tooLarge(ctx);
                }
            }
        } catch (IOException e) {
            // the client went away, or was too slow for [daemon] read_timeout
            ctx.header("Connection", "close");
            RequestDeadline.closeAfterResponse(ctx.req());
            throw new ApiException(408, "read_failed", "the request body could not be read completely ("
                    + Texts.clip(e.getMessage()) + "); send it whole and promptly.");
        }
        String body = out.toString(StandardCharsets.UTF_8);
        ctx.req().setAttribute(READ, body);
        return body;
    }

    /** Whether {@link #read} read this request's body to its end. */
    static boolean wasRead(Context ctx) {
        return ctx.req().getAttribute(READ) != null;
    }

    /** Whether the request says it has a body (a Content-Length above 0, or a Transfer-Encoding). */
    static boolean isDeclared(Context ctx) {
        String len = ctx.header("Content-Length");
        return ctx.header("Transfer-Encoding") != null || (len != null && !len.trim().equals("0"));
    }

    /**
     * A 413 that also closes the connection: the rest of the body is never read, so the
     * connection cannot carry another request.
     */
    static ApiException tooLarge(Context ctx) {
        ctx.header("Connection", "close");
        RequestDeadline.closeAfterResponse(ctx.req());
        return new ApiException(413, "too_large", "the request body is larger than " + (MAX_BYTES >> 20)
                + " MiB; requests to maomao are small JSON objects.");
    }
}

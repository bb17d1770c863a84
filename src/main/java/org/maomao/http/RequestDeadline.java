package org.maomao.http;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A deadline for reading each request whole: from the moment a connection opens (or
 * its previous response ends) the client has {@code timeout} to send the request line,
 * headers and body. An idle timeout alone does not stop slowloris, which sends one
 * byte just before each idle timeout; this does. Also closes a connection right after
 * an error response that left its body unread (see {@link #closeAfterResponse}), so a
 * refused upload is not drained to its end.
 */
final class RequestDeadline implements Connection.Listener, HttpChannel.Listener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLOSE = RequestDeadline.class.getName() + ".close";
    private final AbstractConnector connector;
    private final long timeoutMs;
    private final Map<EndPoint, Scheduler.Task> armed = new ConcurrentHashMap<>();

    RequestDeadline(AbstractConnector connector, long timeoutMs) {
        this.connector = connector;
        this.timeoutMs = timeoutMs;
    }

    /** Marks the request so that its connection is closed once the response is sent. */
    static void closeAfterResponse(HttpServletRequest req) {
        req.setAttribute(CLOSE, Boolean.TRUE);
    }

    static boolean mustClose(HttpServletRequest req) {
        return Boolean.TRUE.equals(req.getAttribute(CLOSE));
    }

    /**
     * Sends a small JSON answer now and closes the connection at once. Left to Jetty, the
     * rest of a refused body would be read and thrown away to its end, however long.
     */
    static void answerAndClose(HttpServletRequest req, HttpServletResponse res,
                               int status, Object body) {
        closeAfterResponse(req);
        EndPoint ep = Request.getBaseRequest(req).getHttpChannel().getEndPoint();
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            res.setStatus(status);
            res.setContentType("application/json");
            res.setHeader("Connection", "close");
            res.setContentLength(bytes.length);
            res.getOutputStream().write(bytes);
            res.flushBuffer();
        } catch (IOException e) {
            // the client is gone: nothing to answer
        } finally {
            ep.close();
        }
    }

    @Override
    public void onOpened(Connection c) {
        arm(c.getEndPoint());
    }

    @Override
    public void onClosed(Connection c) {
        disarm(c.getEndPoint());
    }

    /**
     * The request line and headers have been read in time; a request that declares no body
     * is then whole. Without this its deadline would run on until Jetty saw the end of a body
     * that never comes (when the handler ends), and cut a long answer such as
     * {@code GET /watch} or a followed log after {@code read_timeout}.
     */
    @Override
    public void onBeforeDispatch(Request r) {
        String length = r.getHeader("Content-Length");
        if (r.getHeader("Transfer-Encoding") == null && (length == null || length.trim().equals("0"))) {
            disarm(r.getHttpChannel().getEndPoint());
        }
    }

    /** The request, body included, has been read in time. */
    @Override
    public void onRequestEnd(Request r) {
        disarm(r.getHttpChannel().getEndPoint());
    }

    /** The response is sent: the next request on this connection gets a fresh deadline. */
    @Override
    public void onComplete(Request r) {
        EndPoint ep = r.getHttpChannel().getEndPoint();
        if (Boolean.TRUE.equals(r.getAttribute(CLOSE)) || !r.getHttpInput().isFinished()) {
            // a body was left unread (a route that takes none, or a refusal): do not drain it
            disarm(ep);
            ep.close();
        } else if (ep.isOpen()) {
            arm(ep);
        }
    }

    private void arm(EndPoint ep) {
        Scheduler.Task t = connector.getScheduler().schedule(() -> expire(ep), timeoutMs, TimeUnit.MILLISECONDS);
        Scheduler.Task old = armed.put(ep, t);
        if (old != null) {
            old.cancel();
        }
    }

    private void disarm(EndPoint ep) {
        Scheduler.Task t = armed.remove(ep);
        if (t != null) {
            t.cancel();
        }
    }

    private void expire(EndPoint ep) {
        armed.remove(ep);
        ep.close(); // too slow: the client gets no answer, only the closed connection
    }
}

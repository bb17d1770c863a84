package org.maomao.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real headless Chromium (Debian's chromium) showing one page, driven over the DevTools
 * protocol: the test reads the live DOM (after the page's own scripts ran, as often as it
 * likes, while the page keeps running), where {@code --dump-dom} gives one snapshot only.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts Chromium on {@code url}, with a profile and its stderr under {@code dir}. */
    public static Chromium open(Path dir, String url) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chrome");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--window-size=1280,1000", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, url));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            String port = poll(Duration.ofSeconds(60), "Chromium's DevTools port", () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("chromium exited " + p.exitValue() + ": " + Files.readString(dir.resolve("chromium.log")));
                }
                List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
                return lines.size() >= 1 && !lines.get(0).isBlank() ? lines.get(0).trim() : null;
            });
            HttpClient http = HttpClient.newHttpClient();
            String ws = poll(Duration.ofSeconds(30), "the page's DevTools target", () -> {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                for (JsonNode t : JSON.readTree(body)) {
                    if ("page".equals(t.path("type").asText()) && t.hasNonNull("webSocketDebuggerUrl")) {
                        return t.get("webSocketDebuggerUrl").asText();
                    }
                }
                return null;
            });
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), listener).get(30, TimeUnit.SECONDS);
            Chromium c = new Chromium(p, socket);
            listener.owner = c;
            return c;
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** {@link Poll#until} for a probe that may fail with an I/O error (then: not yet). */
    private static <T> T poll(Duration timeout, String what, Callable<T> probe) {
        return Poll.until(timeout, what, () -> {
            try {
                return probe.call();
            } catch (IOException e) {
                return null;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Calls a DevTools method and returns its result. */
    public JsonNode call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
                    .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode r = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new AssertionError(method + " failed: " + r.get("error"));
            }
            return r.get("result");
        } catch (Exception e) {
            throw new AssertionError(method + " failed", e);
        } finally {
            pending.remove(id);
        }
    }

    /** The value of {@code expression} evaluated in the page (JSON-returnable values), as text; null for undefined. */
    public String eval(String expression) {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("page script failed: " + r.get("exceptionDetails"));
        }
        JsonNode v = r.path("result").path("value");
        return v.isMissingNode() || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    /** Text content of the element with {@code id}, or null when there is none. */
    public String text(String id) {
        return eval("(function(){var e=document.getElementById(" + quote(id) + ");return e?e.textContent:null;})()");
    }

    /** The page's whole DOM as HTML. */
    public String dom() {
        return eval("document.documentElement.outerHTML");
    }

    /** Saves a PNG of what the page shows now. */
    public void screenshot(Path png) throws IOException {
        String data = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true)).get("data").asText();
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, java.util.Base64.getDecoder().decode(data));
    }

    public static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            // closed by itself, Chromium removes its singleton socket from /tmp; SIGTERM leaves it
            socket.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // gone already, or not answering: stopped below
        }
        socket.abort();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Collects each message's parts and hands answers to their callers. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder part = new StringBuilder();
        volatile Chromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                String msg = part.toString();
                part.setLength(0);
                try {
                    JsonNode n = JSON.readTree(msg);
                    Chromium c = owner;
                    if (c != null && n.has("id")) {
                        CompletableFuture<JsonNode> f = c.pending.get(n.get("id").asInt());
                        if (f != null) {
                            f.complete(n);
                        }
                    }
                } catch (IOException e) {
                    // not JSON: DevTools sends none such; ignore
                }
            }
            ws.request(1);
            return null;
        }
    }
}

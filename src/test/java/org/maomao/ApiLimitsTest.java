package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.RawHttp;
import org.maomao.testing.TestDaemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Hostile request bodies and request lines: endless chunked bodies, lying lengths,
 * deep or trailing JSON, and requests Jetty itself refuses. Each gets a JSON error
 * with a sentence, after reading a bounded number of bytes, and writes nothing.
 */
class ApiLimitsTest {
    private static final long MIB = 1L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestDaemon daemon;
    int port;

    @BeforeEach
    void start() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        port = URI.create(daemon.url("/")).getPort();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    @Test
    void should_cut_a_300_mib_chunked_body_after_about_a_mebibyte() throws Exception {
        String head = "POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        Upload up = upload(head, 300 * MIB, true);
        assertThat(up.response.status()).isEqualTo(413);
        assertThat(up.response.contentType()).startsWith("application/json");
        assertThat(JSON.readTree(up.response.body()).get("message").asText()).contains("1 MiB");
        // The client could send a few MiB at most (socket buffers), not 300: the daemon
        // stopped reading and closed, so it cannot hold the body in its heap.
        assertThat(up.sent).isLessThan(32 * MIB);
        assertThat(up.serverClosed).as("the server closes the connection instead of draining the body").isTrue();
        assertThat(daemon.get("/collectors").json()).isEmpty();
    }

    @Test
    void should_cut_a_body_longer_than_its_content_length() throws Exception {
        // says 20 bytes, then streams 300 MiB: the rest is not a request, and is not read on
        String head = "POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n";
        Upload up = upload(head, 300 * MIB, false);
        assertThat(up.response.status()).isBetween(400, 499);
        assertThat(up.response.contentType()).startsWith("application/json");
        assertThat(up.sent).isLessThan(32 * MIB);
        assertThat(up.serverClosed).isTrue();
        assertThat(daemon.get("/collectors").json()).isEmpty();
    }

    @Test
    void should_refuse_a_content_length_beyond_the_cap_before_reading() throws Exception {
        String head = "POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + 300 * MIB + "\r\n\r\n";
        Upload up = upload(head, 300 * MIB, false);
        assertThat(up.response.status()).isEqualTo(413);
        assertThat(up.sent).isLessThan(32 * MIB);
        assertThat(daemon.get("/collectors").json()).isEmpty();
    }

    @Test
    void should_cap_a_body_sent_to_a_route_that_takes_none() throws Exception {
        // left unread, the body would be read and thrown away by Jetty to its end
        String head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        Upload up = upload(head, 300 * MIB, true);
        assertThat(up.response.status()).isEqualTo(413);
        assertThat(up.sent).isLessThan(32 * MIB);
        assertThat(up.serverClosed).isTrue();
    }

    @Test
    void should_keep_a_well_behaved_connection_open_between_requests() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            for (int i = 0; i < 3; i++) {
                s.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
                String body = "{\"name\":\"k" + i + "\",\"url\":\"maomao/x:1\"}";
                s.getOutputStream().write(("POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(201);
            }
        }
    }

    @Test
    void should_refuse_json_nested_100k_deep() {
        String deepArray = "[".repeat(100_000);
        String deepObject = "{\"name\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_001);
        for (String body : List.of(deepArray, deepObject, "{\"name\":" + "[".repeat(40) + "]".repeat(40) + "}")) {
            TestDaemon.Response r = daemon.post("/register", body);
            assertThat(r.status()).as(body.substring(0, 20)).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("bad_json");
            assertThat(r.json().get("message").asText()).contains("nest");
        }
        assertThat(daemon.get("/collectors").json()).isEmpty();
    }

    @Test
    void should_refuse_trailing_garbage_after_the_json_value() {
        for (String body : List.of("{\"name\":\"x\",\"url\":\"maomao/x:1\"} junk", "{}{}",
                "{\"name\":\"x\",\"url\":\"maomao/x:1\"}{\"name\":\"y\"}", "{\"name\":\"x\",\"url\":\"maomao/x:1\"} 1")) {
            TestDaemon.Response r = daemon.post("/register", body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("bad_json");
            assertThat(r.json().get("message").asText()).as(body).containsAnyOf("one JSON object", "not valid JSON");
        }
        assertThat(daemon.post("/run", "{\"name\":\"x\",\"cron\":false} x").status()).isEqualTo(400);
        assertThat(daemon.get("/collectors").json()).isEmpty();
    }

    @Test
    void should_refuse_a_field_given_twice() {
        // a proxy may read the first value and maomao the last: a body meaning two things is refused
        for (String body : List.of("{\"name\":\"x\",\"url\":\"maomao/x:1\",\"url\":\"evil/x:1\"}",
                "{\"name\":\"x\",\"url\":\"maomao/x:1\",\"env\":{\"A\":\"1\",\"A\":\"2\"}}")) {
            TestDaemon.Response r = daemon.post("/register", body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("bad_json");
            assertThat(r.json().get("message").asText()).as(body).containsIgnoringCase("duplicate");
        }
        assertThat(daemon.get("/collectors").json()).isEmpty();
    }

    @Test
    void should_refuse_an_unpaired_surrogate_instead_of_storing_a_question_mark() {
        for (String body : List.of("{\"name\":\"x\",\"url\":\"maomao/x:1\",\"env\":{\"A\":\"a\\ud800b\"}}",
                "{\"name\":\"x\",\"url\":\"maomao/x:1\",\"env\":{\"A\\udc00\":\"1\"}}",
                "{\"name\":\"x\",\"url\":\"maomao/x:1\",\"dataset\":\"d\\ud800\"}",
                "{\"name\":\"x\",\"url\":\"maomao/x:1\",\"timeout\":\"\\udfff\"}")) {
            TestDaemon.Response r = daemon.post("/register", body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("message").asText()).as(body).containsIgnoringCase("surrogate");
        }
        assertThat(daemon.get("/collectors").json()).isEmpty();
        // a real pair (an emoji) is a character and is kept
        assertThat(daemon.post("/register", "{\"name\":\"x\",\"url\":\"maomao/x:1\",\"env\":{\"A\":\"\\ud83d\\ude00\"}}")
                .status()).isEqualTo(201);
        assertThat(daemon.get("/collectors/x").json().get("settings").get("env.A").asText()).isEqualTo("\ud83d\ude00");
    }

    @Test
    void should_refuse_a_spike_setting_given_twice_in_different_case() {
        // keys ignore case: registration checked one copy, and a run could read the other after its commit
        for (String spike : List.of("{\"LAG\":\"7x\",\"lag\":\"6h\"}", "{\"lag\":\"6h\",\"Lag\":\"7x\"}")) {
            TestDaemon.Response r = daemon.post("/register", "{\"name\":\"x\",\"url\":\"maomao/x:1\",\"spike\":" + spike + "}");
            assertThat(r.status()).as(spike).isEqualTo(400);
            assertThat(r.json().get("message").asText()).as(spike).matches(
                    "settings \"spike\\.(LAG|lag|Lag)\" and \"spike\\.(LAG|lag|Lag)\" are the same setting \\(keys ignore case\\): give it once\\.");
        }
        assertThat(daemon.get("/collectors").json()).isEmpty();
        // one copy, in any case, is taken
        assertThat(daemon.post("/register", "{\"name\":\"x\",\"url\":\"maomao/x:1\",\"spike\":{\"LAG\":\"20\"}}").status())
                .isEqualTo(201);
    }

    @Test
    void should_refuse_overlong_numbers_and_strings() {
        TestDaemon.Response num = daemon.post("/register", "{\"name\":\"x\",\"url\":\"maomao/x:1\",\"retries\":"
                + "9".repeat(5000) + "}");
        assertThat(num.status()).isEqualTo(400);
        assertThat(num.json().get("message").asText()).contains("number");
        TestDaemon.Response str = daemon.post("/register", "{\"name\":\"x\",\"url\":\"" + "a".repeat(200_000) + "\"}");
        assertThat(str.status()).isEqualTo(400);
        assertThat(str.json().get("message").asText()).contains("string");
        assertThat(str.body().length()).as("the value is not echoed back").isLessThan(1000);
        assertThat(daemon.get("/collectors").json()).isEmpty();
    }

    @Test
    void should_refuse_crons_that_never_fire_and_durations_that_overflow_and_write_nothing() {
        for (String policy : List.of("\"timeout\":\"99999999999999999d\"", "\"timeout\":\"9999999999999d\"",
                "\"timeout\":\"PT2562047788015216H\"", "\"timeout\":\"0s\"", "\"timeout\":\"PT-1S\"",
                "\"retry_backoff\":\"P99999999D\"", "\"retry_backoff_max\":\"99999999999d\"")) {
            TestDaemon.Response r = daemon.post("/register", "{\"name\":\"x\",\"url\":\"maomao/x:1\"," + policy + "}");
            assertThat(r.status()).as(policy).isEqualTo(400);
            assertThat(r.json().get("message").asText()).as(policy).containsAnyOf("timeout", "retry_backoff").endsWith(".");
        }
        assertThat(daemon.get("/collectors").json()).isEmpty();
        assertThat(daemon.post("/register", "{\"name\":\"x\",\"url\":\"maomao/x:1\"}").status()).isEqualTo(201);
        for (String cron : List.of("0 0 30 2 *", "0 0 0 31 4 ?", "0 0 0 1 1 ? 2020")) {
            TestDaemon.Response r = daemon.post("/run", "{\"name\":\"x\",\"cron\":true,\"frequency\":\"" + cron + "\"}");
            assertThat(r.status()).as(cron).isEqualTo(400);
            assertThat(r.json().get("message").asText()).as(cron).contains("never fires");
        }
        assertThat(daemon.get("/schedules").json()).isEmpty();
    }

    @Test
    void should_answer_requests_jetty_refuses_with_json_errors() throws Exception {
        List<String> requests = List.of(
                "GET /collectors/a%2Fb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /collectors/a%2fb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /collectors/%2e%2e/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /collectors/a%00b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /a%5Cb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /no/such/path HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "BREW /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "PUT /collectors HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
                "TRACE /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n",
                "GET http://other.example/health/../../x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /health HTTP/1.1\r\n\r\n",
                "GET /health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
                "POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n");
        for (String req : requests) {
            String what = req.substring(0, Math.min(60, req.indexOf("\r\n")));
            RawHttp.Response r = RawHttp.exchange(port, req);
            assertThat(r.status()).as(what).isBetween(400, 599);
            assertThat(r.contentType()).as(what + " " + r.body()).startsWith("application/json");
            JsonNode n = JSON.readTree(r.body());
            assertThat(n.get("error").asText()).as(what).isNotBlank();
            assertThat(n.get("message").asText()).as(what).endsWith(".").hasSizeGreaterThan(20);
            assertThat(r.body()).as(what).doesNotContain("<html", "org.eclipse", "Exception");
        }
        assertThat(RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status()).isEqualTo(200);
    }

    /** What happened to a streamed upload: the response, how much the client could send in all, and whether the server closed. */
    record Upload(RawHttp.Response response, long sent, boolean serverClosed) {
    }

    /**
     * Sends {@code head}, then streams up to {@code total} bytes of body (as chunks when
     * {@code chunked}) from a thread, never holding more than 64 KiB, while this thread
     * reads the response.
     */
    private Upload upload(String head, long total, boolean chunked) throws Exception {
        AtomicLong sent = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = new Thread(() -> {
                byte[] piece = new byte[64 * 1024];
                Arrays.fill(piece, (byte) ' ');
                piece[0] = '[';
                byte[] size = (Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                try {
                    while (sent.get() < total) {
                        if (chunked) {
                            out.write(size);
                        }
                        out.write(piece);
                        if (chunked) {
                            out.write('\r');
                            out.write('\n');
                        }
                        sent.addAndGet(piece.length);
                    }
                } catch (IOException e) {
                    failed.set(true); // the server closed the connection: what this test wants
                }
            }, "upload");
            writer.setDaemon(true);
            writer.start();
            InputStream in = s.getInputStream();
            RawHttp.Response r = RawHttp.read(in);
            // The server must now close the connection: the writer then fails. A server that
            // drained the body instead would let it send all of it.
            writer.join(Duration.ofSeconds(30).toMillis());
            boolean closed = !writer.isAlive() && failed.get();
            long before = sent.get();
            s.close();
            writer.join(Duration.ofSeconds(30).toMillis());
            return new Upload(r, before, closed);
        }
    }
}

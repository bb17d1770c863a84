package org.maomao.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine;

/**
 * The fast path of {@code ./maomao} ({@link FastCli}) prints exactly what the full CLI
 * ({@link MaomaoCli}) prints, with the same exit code, for each listing it answers: against a real
 * daemon with runs, schedules, datasets and spikes, against one down, one that wants a token, and a
 * scripted server answering what a daemon should not; and it hands over what it does not answer.
 */
class FastCliTest {
    /** 60 hourly values around 50, the 45th at 400: a spike with the default [spike] settings. */
    static final String SPIKY = """
            i=0
            echo "timestamp,value" > /output/m.csv
            while [ $i -lt 60 ]; do
              v=$((50 + i % 3)); if [ $i -eq 45 ]; then v=400; fi
              printf '2026-01-%02dT%02d:00:00Z,%d\\n' $((1 + i / 24)) $((i % 24)) $v >> /output/m.csv
              i=$((i + 1))
            done
            echo wrote
            """;

    @TempDir
    Path dir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** The full CLI's exit code, standard output and error for {@code args}. */
    static List<Object> full(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new MaomaoCli());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return List.of(code, out.toString(), err.toString());
    }

    /** The fast path's answer to {@code args}, which it must give, and the full CLI's; returns it. */
    static List<Object> assertSameAsFull(String... args) {
        FastCli.Answer a = FastCli.answer(args, System.getenv());
        assertThat(a).as("the fast path answers " + String.join(" ", args)).isNotNull();
        List<Object> fast = List.of(a.code(), a.out(), a.err());
        assertThat(fast).as(String.join(" ", args)).isEqualTo(full(args));
        return fast;
    }

    @Test
    void should_list_as_the_full_cli_does_against_a_real_daemon() throws IOException {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        daemon.register("spiky", TestImages.collector("maomao-test/fastcli-spiky:1", SPIKY), "");
        daemon.register("broken", TestImages.collector("maomao-test/fastcli-broken:1", "echo nope; exit 4\n"), "");
        JsonNode ok = daemon.awaitEnd(daemon.runNow("spiky", "fastdata"), Duration.ofSeconds(90));
        assertThat(ok.get("state").asText()).isEqualTo("succeeded");
        assertThat(daemon.awaitEnd(daemon.runNow("broken", "none"), Duration.ofSeconds(90)).get("state").asText())
                .isEqualTo("failed");
        assertThat(daemon.post("/run", "{\"name\":\"spiky\",\"dataset\":\"fastdata\",\"cron\":true,\"frequency\":\"weekly\"}")
                .status()).isEqualTo(201);
        assertThat(daemon.get("/spikes").json()).as("the spike of the test data").isNotEmpty();
        String url = daemon.url("");

        assertThat((String) assertSameAsFull("--url", url, "collectors").get(1)).startsWith("NAME").contains("spiky", "broken");
        assertThat((String) assertSameAsFull("--url", url, "runs").get(1)).contains("failed", "succeeded", "fastdata");
        assertThat((String) assertSameAsFull("--url", url, "schedules").get(1)).contains("weekly");
        assertThat((String) assertSameAsFull("--url", url, "datasets").get(1)).contains("fastdata");
        assertThat((String) assertSameAsFull("--url", url, "spikes").get(1)).contains("spiky/m.csv#value", "up");
        for (String listing : List.of("collectors", "list", "schedules", "runs", "datasets", "spikes")) {
            assertSameAsFull("--url", url, listing);
            assertSameAsFull("--url", url, listing, "--json");
            assertSameAsFull("--json", "--url=" + url + "/", listing);
            assertSameAsFull(listing, "--url", url, "--token", "ignored-without-a-token");
        }
        String created = ok.get("created_at").asText();
        for (String[] args : List.of(new String[] {"runs", "--limit", "1"}, new String[] {"runs", "--limit=1", "--json"},
                new String[] {"runs", "--collector", "broken"}, new String[] {"runs", "--state", "failed"},
                new String[] {"runs", "--collector", "nobody"}, new String[] {"runs", "--before", created},
                new String[] {"runs", "--collector", "spiky", "--state", "succeeded", "--limit", "5", "--before", created},
                new String[] {"runs", "--limit", "0"}, new String[] {"runs", "--limit", "100000"},
                new String[] {"runs", "--state", "weird state&x=1"}, new String[] {"runs", "--before", "yesterday"},
                new String[] {"spikes", "--collector", "spiky"}, new String[] {"spikes", "--series", "spiky/m.csv#value"},
                new String[] {"spikes", "--since", "2026-01-01T00:00:00Z", "--limit", "1"},
                new String[] {"spikes", "--collector", "nobody", "--json"}, new String[] {"spikes", "--limit", "5000"},
                new String[] {"spikes", "--since", "yesterday"})) {
            List<String> all = new ArrayList<>(List.of("--url", url));
            all.addAll(List.of(args));
            assertSameAsFull(all.toArray(String[]::new));
        }
        // refusals are the daemon's sentence with exit 2
        assertThat(assertSameAsFull("--url", url, "spikes", "--limit", "5000").get(0)).isEqualTo(2);

        // a daemon that is down: exit 3 and the sentence, as the full CLI (a port this JVM never spoke
        // to: HttpURLConnection would otherwise try a kept-alive connection first, as no CLI process does)
        String gone = "http://127.0.0.1:" + freePort();
        List<Object> down = assertSameAsFull("--url", gone, "collectors");
        assertThat(down.get(0)).isEqualTo(3);
        assertThat((String) down.get(2)).contains("not reachable at " + gone);
        assertSameAsFull("--url", gone + "/", "--json", "runs", "--limit", "3");
        assertSameAsFull("--url", "http://no-such-host.invalid:1", "schedules");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void should_refuse_a_missing_or_wrong_token_as_the_full_cli_does() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.token", "fast-cli-token-0123456789"));
        String url = daemon.url("");
        List<Object> none = assertSameAsFull("--url", url, "collectors");
        assertThat(none.get(0)).isEqualTo(2);
        assertThat((String) none.get(2)).contains("--token or MAOMAO_TOKEN");
        assertThat(assertSameAsFull("--url", url, "--token", "wrong-token", "runs").get(0)).isEqualTo(2);
        assertSameAsFull("--url", url, "datasets", "--token=wrong token with blanks");
        assertThat(assertSameAsFull("--url", url, "--token", "fast-cli-token-0123456789", "schedules").get(0)).isEqualTo(0);
    }

    @Test
    void should_hand_over_what_it_does_not_answer() {
        String down = "http://127.0.0.1:9";
        for (String[] args : List.of(new String[] {}, new String[] {"collectors", "--help"}, new String[] {"-h"},
                new String[] {"list", "-h"}, new String[] {"collectors", "-V"}, new String[] {"--version"},
                new String[] {"collectors", "show", "x"}, new String[] {"runs", "show", "r"}, new String[] {"collectors", "nope"},
                new String[] {"collectors", "--bogus"}, new String[] {"--bogus", "collectors"}, new String[] {"runs", "--limit", "x"},
                new String[] {"runs", "--limit", "-1"}, new String[] {"runs", "--limit", "010"}, new String[] {"runs", "--limit"},
                new String[] {"runs", "--limit", "1", "--limit", "2"}, new String[] {"--json", "--json", "runs"},
                new String[] {"--limit", "1", "runs"}, new String[] {"collectors", "--limit", "1"}, new String[] {"@args.txt"},
                new String[] {"runs", "--collector", "@file"}, new String[] {"runs", "--collector", "--state"},
                new String[] {"runs", "--collector", "show"}, new String[] {"--url", "runs", "collectors"},
                new String[] {"runs", "--"}, new String[] {"--url", "not a url", "runs"}, new String[] {"--url=", "runs"},
                new String[] {"--url", "https://127.0.0.1:9", "runs"}, new String[] {"--url", "http://[::1]:9", "runs"},
                new String[] {"--url", "http://127.0.0.1:9/prefix", "runs"}, new String[] {"--url", "http://user@127.0.0.1:9", "runs"},
                new String[] {"--url", "http://127.0.0.1:99999", "runs"}, new String[] {"--url", down, "--token", "é", "runs"},
                new String[] {"--url", down, "status"}, new String[] {"--url", down, "series"}, new String[] {"shell"},
                new String[] {"daemon"}, new String[] {"detect"}, new String[] {"--url", down, "run", "x"},
                new String[] {"--url", down, "doctor"}, new String[] {"--url", down, "log", "x"},
                new String[] {"--url", down, "watch"}, new String[] {"--url", down, "watch", "--runs"},
                new String[] {"runs", "--collector", "watch"})) {
            assertThat(FastCli.answer(args, Map.of())).as(String.join(" ", args)).isNull();
        }
    }

    @Test
    void should_answer_as_the_full_cli_or_hand_over_whatever_a_server_answers() throws Exception {
        String odd = "[{\"name\":\"é漢字😀\",\"image\":\"a\\\"b\\\\c\\u0001\\n\",\"dataset\":null,\"source\":{\"k\":[1,-0,1.50,"
                + "1e2,123456789012345678901234567890,true,null,\"x\"]},\"extra\":{},\"e\":[]},{\"name\":\"null\"},"
                + "{\"name\":5,\"image\":-0.0,\"dataset\":[],\"source\":false}]";
        List<String> answers = List.of(
                ok(odd), chunked(odd), ok("[]"), ok(" [ ] "), ok("[{}]"),
                http("404 Not Found", "{\"error\":\"not_found\",\"message\":\"no such thing; see /openapi.json\"}"),
                http("401 Unauthorized", "{\"error\":\"unauthorized\",\"message\":\"a token is needed\"}"),
                http("400 Bad Request", "{\"message\":\"é sentence\",\"error\":\"bad\"}"),
                http("500 Server Error", "{\"error\":\"internal\"}"), http("503 Unavailable", ""),
                http("500 Server Error", "[\"message\"]"), http("418 Teapot", "\"message\""),
                http("500 Server Error", "boom"), http("400 Bad Request", "{\"message\":12}"),
                http("400 Bad Request", "{\"message\":\"x\"} trailing"),
                ok("{\"a\":1}"), ok("[1,2]"), ok("[{\"name\":\"x\"}] trailing"), ok(""), ok("[{\"a\":1,\"a\":2}]"),
                http("204 No Content", ""), http("302 Found", "[]"),
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n[]",
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[{\"name\":\"to the end\"}]",
                "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n[]", "garbage\r\n\r\n", "",
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[]",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[{}]",
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
        int answered = 0;
        for (String answer : answers) {
            try (Scripted server = new Scripted(answer)) {
                for (String listing : List.of("collectors", "runs", "schedules", "datasets", "spikes")) {
                    for (boolean json : List.of(false, true)) {
                        String[] args = json ? new String[] {"--url", server.url(), "--json", listing}
                                : new String[] {"--url", server.url(), listing};
                        FastCli.Answer a = FastCli.answer(args, Map.of());
                        List<Object> full = full(args);
                        if (a != null) {
                            answered++;
                            assertThat(List.<Object>of(a.code(), a.out(), a.err())).as(answer + " to " + String.join(" ", args))
                                    .isEqualTo(full);
                        }
                    }
                }
            }
        }
        assertThat(answered).as("answers the fast path gave").isGreaterThan(50);
        try (Scripted server = new Scripted(ok(odd))) {
            List<Object> collectors = assertSameAsFull("--url", server.url(), "collectors");
            assertThat((String) collectors.get(1)).contains("é漢字😀", "{\"k\":[1,0,1.5,100.0,123456789012345678901234567890,");
            assertSameAsFull("--url", server.url(), "--json", "list");
        }
        try (Scripted server = new Scripted(http("401 Unauthorized", "{\"message\":\"a token is needed\"}"))) {
            assertThat(assertSameAsFull("--url", server.url(), "runs").get(2)).isEqualTo(
                    "maomao: a token is needed (give --token or MAOMAO_TOKEN)" + System.lineSeparator());
        }
    }

    static String ok(String body) {
        return http("200 OK", body);
    }

    static String http(String status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n"
                + new String(b, StandardCharsets.ISO_8859_1);
    }

    static String chunked(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        int half = b.length / 2;
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half) + ";ext=1\r\n" + new String(b, 0, half, StandardCharsets.ISO_8859_1) + "\r\n"
                + Integer.toHexString(b.length - half) + "\r\n" + new String(b, half, b.length - half, StandardCharsets.ISO_8859_1)
                + "\r\n0\r\n\r\n";
    }

    /** A server on loopback that gives every connection the same bytes (ISO-8859-1 of {@code answer}), then closes it. */
    static final class Scripted implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        Scripted(String answer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            byte[] bytes = answer.getBytes(StandardCharsets.ISO_8859_1);
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        readRequest(s.getInputStream());
                        OutputStream out = s.getOutputStream();
                        out.write(bytes);
                        out.flush();
                        s.shutdownOutput();
                    } catch (IOException e) {
                        // closed, or a client that went away
                    }
                }
            }, "scripted-server");
            thread.setDaemon(true);
            thread.start();
        }

        /** Reads up to the blank line after the headers (the requests are GETs without a body). */
        private static void readRequest(InputStream in) throws IOException {
            int state = 0;
            for (int c = in.read(); c >= 0; c = in.read()) {
                state = c == '\r' ? (state == 2 ? 3 : 1) : c == '\n' ? (state == 1 || state == 3 ? state + 1 : 0) : 0;
                if (state == 4) {
                    return;
                }
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5000);
        }
    }
}

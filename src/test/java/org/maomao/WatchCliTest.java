package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.CliRun;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.Poll;
import org.maomao.testing.Ports;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code maomao watch}: its lines, its exit codes, and a reconnect that loses and doubles nothing. */
class WatchCliTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();
    static String hello;

    @TempDir
    Path dir;
    EtcdServer etcd;
    final List<TestDaemon> daemons = new ArrayList<>();

    @BeforeAll
    static void images() {
        hello = TestImages.collector("maomao-test/hello:watch", "echo hello\n");
    }

    @AfterEach
    void stop() throws Exception {
        daemons.forEach(TestDaemon::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    private TestDaemon daemon(String name, Map<String, String> settings) {
        TestDaemon d = new TestDaemon(dir.resolve(name), settings);
        daemons.add(d);
        return d;
    }

    /** A CLI running in the background; what it printed so far stays readable while it runs. */
    record LiveCli(CompletableFuture<Integer> code, java.io.StringWriter out, java.io.StringWriter err) {
        CliRun get(long seconds) throws Exception {
            try {
                int c = code.get(seconds, TimeUnit.SECONDS);
                return new CliRun(c, out.toString(), err.toString());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the CLI is still running; printed so far:\n" + out + "\nerr:\n" + err, e);
            }
        }
    }

    private static LiveCli watch(String url, String... args) {
        java.io.StringWriter o = new java.io.StringWriter();
        java.io.StringWriter e = new java.io.StringWriter();
        picocli.CommandLine cmd = new picocli.CommandLine(new org.maomao.cli.MaomaoCli());
        cmd.setOut(new java.io.PrintWriter(o, true));
        cmd.setErr(new java.io.PrintWriter(e, true));
        List<String> all = new ArrayList<>(List.of("--url", url));
        all.addAll(List.of(args));
        return new LiveCli(CompletableFuture.supplyAsync(() -> cmd.execute(all.toArray(String[]::new))), o, e);
    }

    private static boolean watchers(TestDaemon d, int n) {
        return d.get("/metrics").body().matches("(?s).*\nmaomao_watchers " + n + "\\.0\n.*");
    }

    @Test
    void prints_one_line_per_run_end_and_with_json_the_daemons_objects() throws Exception {
        TestDaemon d = daemon("d", Map.of());
        d.register("hello", hello, "");
        LiveCli human = watch(d.url(""), "watch", "--runs", "--count", "1");
        LiveCli json = watch(d.url(""), "watch", "--runs", "--json", "--count", "1");
        Poll.until(WAIT, "both watches connected", () -> watchers(d, 2));
        String r = d.runNow("hello", "none");
        d.awaitEnd(r, WAIT);

        CliRun h = human.get(60);
        assertThat(h.code()).as(h.err()).isZero();
        assertThat(h.out().lines().toList()).singleElement().asString()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z  run    hello@none succeeded \\(attempt 1, member -, commit -, exit 0\\) " + r);
        CliRun j = json.get(60);
        assertThat(j.code()).as(j.err()).isZero();
        JsonNode n = JSON.readTree(j.out().trim());
        assertThat(n.get("kind").asText()).isEqualTo("run");
        assertThat(n.get("data").get("id").asText()).isEqualTo(r);
        assertThat(n.get("data").get("state").asText()).isEqualTo("succeeded");
    }

    @Test
    void exits_2_on_bad_options_or_a_refused_token_and_3_without_a_daemon() {
        TestDaemon d = daemon("d", Map.of("daemon.token", "watch-cli-token-0123456789"));
        CliRun noToken = CliRun.of(d.url(""), "watch");
        assertThat(noToken.code()).isEqualTo(2);
        assertThat(noToken.err()).contains("--token or MAOMAO_TOKEN");
        CliRun zero = CliRun.of(d.url(""), "--token", "watch-cli-token-0123456789", "watch", "--count", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--count must be 1 or more");
        assertThat(CliRun.of(d.url(""), "watch", "--bogus").code()).isEqualTo(2);
        assertThat(CliRun.of("http://127.0.0.1:" + Ports.free(), "watch").code()).isEqualTo(3);
        assertThat(CliRun.of("ftp://127.0.0.1:1", "watch").code()).isEqualTo(2);
    }

    @Test
    void reconnects_after_its_daemon_restarts_and_gets_what_other_members_did_meanwhile_once() throws Exception {
        etcd = EtcdServer.start(dir);
        Map<String, String> common = Map.of("etcd.endpoints", etcd.endpoint(), "etcd.prefix", "/mm-cli");
        Map<String, String> onA = new java.util.HashMap<>(common);
        onA.put("daemon.listen", "127.0.0.1:" + Ports.free());
        TestDaemon a = daemon("a", onA);
        TestDaemon b = daemon("b", common);
        a.register("hello", hello, "");
        b.register("hello", hello, "");
        LiveCli cli = watch(a.url(""), "watch", "--runs", "--json", "--count", "3");
        Poll.until(WAIT, "the watch connected", () -> watchers(a, 1));
        String r1 = a.runNow("hello", "none");
        a.awaitEnd(r1, WAIT);
        Poll.until(WAIT, "r1 published", () -> etcdHas("/mm-cli/runs/" + r1));

        a.stop(); // the watch loses its connection and tries again
        String r2 = b.runNow("hello", "none");
        b.awaitEnd(r2, WAIT);
        Poll.until(WAIT, "r2 published", () -> etcdHas("/mm-cli/runs/" + r2));
        a.start();
        Poll.until(WAIT, "the watch connected again", () -> watchers(a, 1));
        String r3 = a.runNow("hello", "none");
        a.awaitEnd(r3, WAIT);

        CliRun done = cli.get(60);
        assertThat(done.code()).as(done.err()).isZero();
        List<String> ids = new ArrayList<>();
        for (String line : done.out().lines().toList()) {
            ids.add(JSON.readTree(line).get("data").get("id").asText());
        }
        assertThat(ids).containsExactly(r1, r2, r3);
        assertThat(done.err()).contains("reconnecting");
    }

    private boolean etcdHas(String key) {
        try {
            Process p = etcd.ctlBuilder("get", "--keys-only", key).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            return out.contains(key);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.Chromium;
import org.maomao.testing.CliRun;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The run page ({@code GET /runs/{id}} in a browser) of real runs of real Docker collectors,
 * rendered and driven in a real headless Chromium: a finished run, a running one whose log
 * grows while the page is open, and a collector whose output is an attack on the page.
 */
class RunPageTest {
    /** What Chromium sends for a navigation. */
    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
            + "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Path SCREENSHOT = Path.of("target/screenshots/run-page.png");

    @TempDir
    Path dir;
    TestDaemon daemon;
    Chromium chromium;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(daemon.url(path)));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the page has the run's whole log (its follow stream ended with the run). */
    String completeLog() {
        Poll.until(WAIT, "the page to have the whole log",
                () -> "true".equals(chromium.eval("(function(){var e=document.getElementById('log');"
                        + "return e && e.getAttribute('data-complete');})()")));
        return chromium.text("log");
    }

    @Test
    void should_show_a_finished_run_with_state_timeline_duration_commit_result_and_log_and_link_it_from_the_status_page()
            throws Exception {
        String counter = TestImages.collector("maomao-test/page-counter:1", """
                echo "counting the widgets"
                echo "::progress 50"
                printf 'timestamp,widgets\\n%s,%s\\n' "$MAOMAO_RUN_ID" 42 > /output/widgets.csv
                echo '::result {"success":true,"msg":"counted 42 widgets","data":{"widgets":42}}'
                echo "done counting"
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        daemon.register("counter", counter, "");
        JsonNode first = daemon.awaitEnd(daemon.runNow("counter", "widgets"), WAIT);
        JsonNode run = daemon.awaitEnd(daemon.runNow("counter", "widgets"), WAIT);
        String id = run.get("id").asText();
        assertThat(run.get("state").asText()).isEqualTo("succeeded");
        assertThat(run.get("commit").asText()).matches("[0-9a-f]{40}");
        double seconds = run.get("duration_s").asDouble();
        assertThat(run.get("duration_s").isNumber()).isTrue();
        assertThat(seconds).isPositive().isLessThan(60);

        // API clients keep JSON: no Accept, */*, application/json, and JSON ranked above HTML
        for (String accept : new String[] {null, "*/*", "application/json", "text/html;q=0.5, application/json"}) {
            HttpResponse<String> r = get("/runs/" + id, accept);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(accept).startsWith("application/json");
            assertThat(new ObjectMapper().readTree(r.body()).get("id").asText()).isEqualTo(id);
        }
        HttpResponse<String> page = get("/runs/" + id, BROWSER_ACCEPT);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'",
                "script-src 'nonce-");
        assertThat(page.body()).doesNotContain("http://", "https://"); // nothing from elsewhere

        chromium = Chromium.open(dir, daemon.url("/runs/" + id));
        assertThat(completeLog()).contains("counting the widgets", "done counting");
        assertThat(chromium.text("state")).isEqualTo("succeeded");
        assertThat(chromium.text("attempt")).isEqualTo("1 of 1");
        assertThat(chromium.text("duration")).matches("\\d+ ms|\\d+\\.\\d s");
        assertThat(chromium.text("progress")).contains("50%");
        assertThat(chromium.text("commit")).contains(run.get("commit").asText()).contains("widgets");
        assertThat(chromium.text("result")).contains("\"msg\" : \"counted 42 widgets\"", "\"widgets\" : 42");
        assertThat(chromium.eval("Array.from(document.querySelectorAll('#events tr.event td:nth-child(2)'))"
                + ".map(function(td){return td.textContent;}).join(' ')"))
                .contains("submitted", "started", "progress", "exited", "committed", "analysed", "finished");
        assertThat(chromium.eval("Array.from(document.querySelectorAll('#events tr.event')).filter(function(tr){"
                + "return tr.cells[1].textContent==='exited';})[0].cells[2].textContent")).isEqualTo("1");

        chromium.screenshot(SCREENSHOT);
        assertThat(SCREENSHOT).isNotEmptyFile();

        // the status page links the run to this page and shows durations; a real click negotiates HTML
        chromium.call("Page.navigate", Map.of("url", daemon.url("/")));
        Poll.until(WAIT, "the status page", () -> chromium.text("runs"));
        assertThat(chromium.eval("document.querySelector('#runs a.run').getAttribute('href')")).isEqualTo("/runs/" + id);
        assertThat(chromium.eval("document.querySelector('#runs td.duration').textContent")).matches("\\d+ ms|\\d+\\.\\d s");
        assertThat(chromium.eval("document.querySelectorAll('#collectors svg.durations rect').length"))
                .as("one bar per ended run").isEqualTo("2");
        assertThat(chromium.eval("document.querySelector('#collectors svg.durations rect title').textContent"))
                .contains(first.get("created_at").asText(), "succeeded");
        chromium.screenshot(Path.of("target/screenshots/status-page-durations.png"));
        chromium.eval("document.querySelector('#runs a.run').click()");
        Poll.until(WAIT, "the run page after a click", () -> "succeeded".equals(chromium.text("state")));
        assertThat(chromium.eval("location.pathname")).isEqualTo("/runs/" + id);

        // and maomao runs shows the duration
        CliRun cli = CliRun.of(daemon.url(""), "runs");
        assertThat(cli.code()).isZero();
        assertThat(cli.out().lines().findFirst().orElse("")).contains("CREATED", "DURATION", "MESSAGE");
        assertThat(cli.out().lines().filter(l -> l.startsWith(id)).findFirst().orElse(""))
                .containsPattern(" (\\d+ ms|\\d+\\.\\d s) ");
    }

    @Test
    void should_answer_an_unknown_run_with_a_404_page_to_a_browser_and_a_json_404_to_a_client() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        HttpResponse<String> page = get("/runs/no-such-run", BROWSER_ACCEPT);
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("No such run", "no-such-run");
        HttpResponse<String> json = get("/runs/no-such-run", "application/json");
        assertThat(json.statusCode()).isEqualTo(404);
        assertThat(new ObjectMapper().readTree(json.body()).get("error").asText()).isEqualTo("not_found");
        // a hostile id is echoed as text only
        HttpResponse<String> hostile = get("/runs/%3Cscript%3Ealert(1)%3C%2Fscript%3E", BROWSER_ACCEPT);
        assertThat(hostile.statusCode()).isEqualTo(404);
        assertThat(hostile.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert");
    }

    /**
     * The collector prints a line, then waits for a signal only the test sends; the page, opened
     * in between, must show the next line without being reloaded, while the run still runs.
     */
    @Test
    void should_follow_the_log_and_state_of_a_running_run_while_the_page_is_open() throws Exception {
        String talker = TestImages.collector("maomao-test/page-talker:1", """
                go=0
                trap 'go=$((go + 1))' USR1
                echo "first line"
                while [ "$go" -lt 1 ]; do sleep 1; done
                echo "second line"
                while [ "$go" -lt 2 ]; do sleep 1; done
                echo "last line"
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        daemon.register("talker", talker, "");
        String id = daemon.runNow("talker", "none");
        // what the page (and `maomao log -f`) reads: the followed log, each line as it is printed
        HttpResponse<Stream<String>> follow = http.sendAsync(HttpRequest.newBuilder(URI.create(daemon.url("/runs/" + id
                + "/log?follow=true"))).build(), HttpResponse.BodyHandlers.ofLines()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(follow.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        Iterator<String> lines = follow.body().iterator();
        CompletableFuture<Boolean> firstLine = CompletableFuture.supplyAsync(() -> {
            while (lines.hasNext()) {
                if (lines.next().equals("first line")) {
                    return true;
                }
            }
            return false;
        });
        assertThat(firstLine.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.get("/runs/" + id).json().get("state").asText()).isEqualTo("running");
        follow.body().close();

        chromium = Chromium.open(dir, daemon.url("/runs/" + id));
        Poll.until(WAIT, "the page to show the first line", () -> String.valueOf(chromium.text("log")).contains("first line"));
        chromium.eval("window.sameDocument = 'yes'");
        assertThat(chromium.text("state")).isEqualTo("running");
        assertThat(chromium.text("duration")).startsWith("running for ");
        assertThat(chromium.text("log")).doesNotContain("second line");

        signal(id);
        Poll.until(WAIT, "the page to show the second line", () -> chromium.text("log").contains("second line"));
        assertThat(daemon.get("/runs/" + id).json().get("state").asText()).as("the run still runs").isEqualTo("running");
        assertThat(chromium.eval("document.getElementById('log').getAttribute('data-complete')")).isEqualTo("false");
        assertThat(chromium.text("log")).doesNotContain("last line");

        signal(id);
        Poll.until(WAIT, "the page to show the run ended", () -> "succeeded".equals(chromium.text("state")));
        assertThat(completeLog()).contains("first line", "second line", "last line");
        assertThat(chromium.text("duration")).doesNotContain("running").matches("\\d+\\.\\d s");
        assertThat(chromium.text("events")).contains("exited", "finished");
        assertThat(chromium.eval("window.sameDocument")).as("followed, not reloaded").isEqualTo("yes");
    }

    /** Sends SIGUSR1 to the run's container (docker-init hands it to the collector). */
    static void signal(String runId) throws IOException {
        try (var d = TestImages.docker()) {
            List<String> ids = d.listContainersCmd().withLabelFilter(Map.of("maomao.run-id", runId)).exec().stream()
                    .map(c -> c.getId()).toList();
            assertThat(ids).hasSize(1);
            d.killContainerCmd(ids.get(0)).withSignal("USR1").exec();
        }
    }

    /**
     * Collector output that tries to run script in the page: shown as text, and none of it runs;
     * and a log longer than the page keeps shows its tail.
     */
    @Test
    void should_show_a_collectors_html_and_script_as_text_and_run_none_of_it() throws Exception {
        String hostile = TestImages.collector("maomao-test/page-hostile:1", """
                yes 'filler filler filler filler filler' | head -c 1200000
                echo '<script>window.pwned = 1</script>'
                echo '<img src=x onerror="window.pwned = 2">'
                echo '</pre><b id="injected">bold</b><pre>'
                echo '::result {"success":false,"msg":"<img src=x onerror=\\"window.pwned = 3\\">","data":{"</script><script>window.pwned = 4</script>":1}}'
                echo '::progress 7'
                exit 3
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        daemon.register("hostile", hostile, "");
        JsonNode run = daemon.awaitEnd(daemon.runNow("hostile", "none"), WAIT);
        assertThat(run.get("state").asText()).isEqualTo("failed");
        assertThat(run.get("result").get("msg").asText()).contains("<img");

        chromium = Chromium.open(dir, daemon.url("/runs/" + run.get("id").asText()));
        assertThat(completeLog()).contains("<script>window.pwned = 1</script>", "<img src=x onerror=\"window.pwned = 2\">",
                "</pre><b id=\"injected\">bold</b><pre>");
        assertThat(chromium.text("result")).contains("<img src=x onerror=\\\"window.pwned = 3\\\">",
                "</script><script>window.pwned = 4</script>");
        assertThat(chromium.text("state")).isEqualTo("failed");
        assertThat(chromium.text("log").length()).as("the page keeps the log's tail only").isLessThanOrEqualTo(1_000_000)
                .isGreaterThan(900_000);
        assertThat(chromium.eval("document.getElementById('log-cut').hidden")).isEqualTo("false");
        assertThat(chromium.eval("typeof window.pwned")).as("no collector script ran").isEqualTo("undefined");
        assertThat(chromium.eval("document.querySelectorAll('img').length")).isEqualTo("0");
        assertThat(chromium.eval("document.getElementById('injected') === null")).isEqualTo("true");
        assertThat(chromium.eval("document.scripts.length")).as("only the page's own script").isEqualTo("1");

        // the status page too: it shows the run's message and links the run
        chromium.call("Page.navigate", Map.of("url", daemon.url("/")));
        Poll.until(WAIT, "the status page", () -> chromium.text("runs"));
        assertThat(chromium.eval("typeof window.pwned")).isEqualTo("undefined");
        assertThat(chromium.eval("document.querySelectorAll('img').length")).isEqualTo("0");
    }
}

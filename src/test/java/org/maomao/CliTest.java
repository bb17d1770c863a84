package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.cli.MaomaoCli;
import org.maomao.testing.CliRun;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

/** The maomao CLI against a real daemon: output, --json and exit codes. */
class CliTest {
    @TempDir
    Path dir;
    TestDaemon daemon;
    String out;
    String err;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    int cli(String... args) {
        CliRun r = CliRun.of(daemon == null ? "http://127.0.0.1:1" : daemon.url(""), args);
        out = r.out();
        err = r.err();
        return r.code();
    }

    @Test
    void should_register_with_build_run_with_wait_and_list_with_tables_and_json() throws Exception {
        TestImages.ensureBase();
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        assertThat(cli("register", "dummy", "maomao-test/cli-dummy:1", "--build", "collectors/dummy")).isZero();
        assertThat(out).contains("registered dummy");
        assertThat(cli("run", "dummy", "--dataset", "clidata", "--wait")).isZero();
        assertThat(out).contains("dummy measured");
        assertThat(err).contains("100%", "succeeded");
        assertThat(cli("runs")).isZero();
        assertThat(out).startsWith("ID").contains("succeeded", "clidata");
        assertThat(cli("runs", "--json")).isZero();
        JsonNode runs = new ObjectMapper().readTree(out);
        assertThat(runs.get(0).get("state").asText()).isEqualTo("succeeded");
        assertThat(cli("log", runs.get(0).get("id").asText())).isZero();
        assertThat(out).contains("dummy measured");
        assertThat(cli("run", "dummy", "--weekly")).isZero();
        assertThat(out).contains("scheduled dummy@none weekly");
        assertThat(cli("schedules", "--json")).isZero();
        assertThat(new ObjectMapper().readTree(out).get(0).get("frequency").asText()).isEqualTo("weekly");
        assertThat(cli("series")).isZero();
        assertThat(out).startsWith("ID").contains("clidata/");
        assertThat(cli("series", "--limit", "0")).isEqualTo(2);
        assertThat(cli("spikes", "--limit", "5000")).isEqualTo(2); // the daemon refuses more than 1000
        for (String listing : List.of("collectors", "spikes", "datasets", "schedules", "series")) {
            assertThat(cli(listing)).as(listing).isZero();
            assertThat(cli(listing, "--json")).as(listing).isZero();
            assertThat(new ObjectMapper().readTree(out).isArray()).as(listing).isTrue();
        }
    }

    @Test
    void should_exit_1_when_the_waited_run_fails_2_on_refused_input_and_3_when_unreachable() {
        String broken = TestImages.collector("maomao-test/broken:cli", "echo nope; exit 4\n");
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        assertThat(cli("register", "broken", broken)).isZero();
        assertThat(cli("run", "broken", "--wait")).isEqualTo(1);
        assertThat(err).contains("failed", "exited with code 4");
        assertThat(cli("run", "nobody")).isEqualTo(2);
        assertThat(err).contains("not registered");
        assertThat(cli("run", "broken", "--daily", "--weekly")).isEqualTo(2); // mutually exclusive flags
        assertThat(cli("frobnicate")).isEqualTo(2);
        daemon.close();
        daemon = null;
        assertThat(cli("runs")).isEqualTo(3);
        assertThat(err).contains("not reachable");
        assertThat(cli("doctor")).isEqualTo(3);
        assertThat(out).contains("FAIL  daemon", "fix:");
    }

    @Test
    void should_show_status_and_doctor_the_components() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("quick", TestImages.collector("maomao-test/quick:cli", "echo hi\n"), "");
        assertThat(cli("status")).isZero();
        assertThat(out).contains("docker", "up", "store", "COLLECTOR", "quick");
        assertThat(cli("doctor")).isZero();
        assertThat(out).contains("ok    daemon", "ok    docker");
    }

    @Test
    void should_show_a_collector_that_keeps_failing_in_status_and_fail_doctor_until_it_succeeds() {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("broken", TestImages.collector("maomao-test/broken:cli", "exit 4\n"),
                ",\"retries\":\"0\",\"alert_after_failures\":\"2\"");
        daemon.awaitEnd(daemon.runNow("broken", "none"), Duration.ofSeconds(60));
        assertThat(cli("doctor")).as("one failure is not a streak yet").isZero();
        daemon.awaitEnd(daemon.runNow("broken", "none"), Duration.ofSeconds(60));
        assertThat(daemon.get("/collectors/broken").json().get("failing").get("none").asInt()).isEqualTo(2);
        assertThat(cli("status")).isZero();
        assertThat(out).contains("FAILING", "into none: 2 failed in a row");
        assertThat(cli("doctor")).isEqualTo(1);
        assertThat(out).contains("FAIL  collect  broken into none: 2 failed in a row", "fix:");

        daemon.register("broken", TestImages.collector("maomao-test/mended:cli", "echo fine\n"), "");
        daemon.awaitEnd(daemon.runNow("broken", "none"), Duration.ofSeconds(60));
        assertThat(daemon.get("/collectors/broken").json().get("failing").size()).isZero();
        assertThat(cli("doctor")).isZero();
    }

    @Test
    void should_complete_commands_and_options_in_the_shell() {
        var completer = org.maomao.cli.ShellCompletion.completer(new CommandLine(new MaomaoCli()));
        List<Candidate> found = new ArrayList<>();
        completer.complete(null, new DefaultParser().parse("ru", 2), found);
        assertThat(found.stream().map(Candidate::value)).contains("run", "runs");
        found.clear();
        completer.complete(null, new DefaultParser().parse("run dummy --da", 14), found);
        assertThat(found.stream().map(Candidate::value)).contains("--daily", "--dataset");
    }
}

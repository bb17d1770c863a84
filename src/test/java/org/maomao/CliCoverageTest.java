package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.maomao.cli.ShellCompletion;
import org.maomao.testing.CliRun;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

/** The CLI's twins of every API route, --timeout, the piped shell and its completion, against a real daemon. */
class CliCoverageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSV_COLLECTOR = "printf 'timestamp,value\\n2026-01-01T00:00:00Z,5\\n' > /output/m.csv\n"
            + "echo wrote\n";

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
        CliRun r = CliRun.of(daemon.url(""), args);
        out = r.out();
        err = r.err();
        return r.code();
    }

    JsonNode json(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json");
        assertThat(cli(all.toArray(String[]::new))).as(String.join(" ", args) + ": " + err).isZero();
        return JSON.readTree(out);
    }

    @Test
    void should_cover_collectors_schedules_datasets_reload_keys_series_and_spikes_with_the_same_exit_codes() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        daemon.register("csvc", TestImages.collector("maomao-test/cli-csv:1", CSV_COLLECTOR), "");

        // collectors: list is an alias, show one, a missing one is exit 2 with the daemon's sentence
        assertThat(cli("list")).isZero();
        assertThat(out).contains("csvc");
        assertThat(cli("collectors", "show", "csvc")).isZero();
        assertThat(out).contains("image", "maomao-test/cli-csv:1");
        assertThat(cli("collectors", "show", "nobody")).isEqualTo(2);
        assertThat(err).contains("collector \"nobody\" is not registered.");

        // schedules: pause, resume, rm
        assertThat(cli("run", "csvc", "--weekly")).isZero();
        String schedule = json("schedules").get(0).get("id").asText();
        assertThat(cli("schedules", "show", schedule)).isZero();
        assertThat(out).contains("weekly");
        assertThat(cli("schedules", "pause", "--help")).isZero();
        assertThat(out).contains("Usage: maomao schedules pause");
        assertThat(cli("schedules", "pause", schedule)).isZero();
        assertThat(out).contains("paused " + schedule);
        assertThat(json("schedules").get(0).get("paused").asBoolean()).isTrue();
        assertThat(cli("schedules", "resume", schedule)).isZero();
        assertThat(json("schedules").get(0).get("paused").asBoolean()).isFalse();
        assertThat(cli("schedules", "rm", schedule)).isZero();
        assertThat(json("schedules")).isEmpty();
        assertThat(cli("schedules", "rm", schedule)).isEqualTo(2);
        assertThat(err).contains("does not exist");
        assertThat(cli("schedules", "pause")).isEqualTo(2); // ID missing: usage

        // datasets: add, refused names and remotes, show, commits
        assertThat(cli("datasets", "add", "fresh")).isZero();
        assertThat(out).contains("created dataset fresh");
        assertThat(cli("datasets", "add", "fresh")).isEqualTo(2);
        assertThat(cli("datasets", "add", "../evil")).isEqualTo(2);
        assertThat(cli("datasets", "add", "stolen", "file:///etc")).isEqualTo(2);
        assertThat(err).isNotBlank();
        assertThat(daemon.dataDir().resolve("datasets").resolve("stolen")).doesNotExist();
        assertThat(cli("datasets", "show", "fresh")).isZero();
        assertThat(out).contains("branch", "fresh");
        assertThat(cli("datasets", "show", "ghost")).isEqualTo(2);

        // a run writes a series; series and spikes with filters; commits name the run
        assertThat(cli("run", "csvc", "--dataset", "fresh", "--wait", "--timeout", "2m")).as(err).isZero();
        String run = json("runs").get(0).get("id").asText();
        assertThat(cli("runs", "show", run)).isZero();
        assertThat(out).contains("succeeded", "EVENT");
        assertThat(json("runs", "show", run).get("events").size()).isPositive();
        assertThat(cli("runs", "show", "no-such-run")).isEqualTo(2);
        assertThat(cli("metrics")).isZero();
        assertThat(out).contains("maomao_schedules");
        JsonNode commits = json("datasets", "commits", "fresh");
        assertThat(commits.findValuesAsText("run_id")).contains(run);
        assertThat(cli("datasets", "commits", "fresh")).isZero();
        assertThat(out).startsWith("COMMIT").contains(run);
        assertThat(json("series", "--dataset", "fresh")).extracting(s -> s.get("id").asText())
                .containsExactly("fresh/csvc/m.csv#value");
        assertThat(json("series", "--dataset", "fresh", "--collector", "other")).isEmpty();
        assertThat(json("series", "--dataset", "nosuch")).isEmpty();
        assertThat(cli("series", "fresh/csvc/m.csv#value")).isZero();
        assertThat(out).contains("2026-01-01T00:00:00Z", "5");
        // its first line counts the points (it printed the whole array of them)
        assertThat(out.lines().findFirst().orElseThrow()).matches("fresh/csvc/m\\.csv#value: \\d+ points, last .*")
                .doesNotContain("[[");
        assertThat(cli("series", "fresh/csvc/nope.csv#value")).isEqualTo(2);
        assertThat(json("spikes", "--collector", "csvc", "--series", "csvc/m.csv#value", "--since", "2026-01-01T00:00:00Z"))
                .isEmpty();
        assertThat(cli("spikes", "--since", "yesterday")).isEqualTo(2);

        // reload and keys
        assertThat(cli("reload", "--timeout", "1m")).isZero();
        assertThat(out).startsWith("reloaded");
        assertThat(cli("keys")).isZero();
        assertThat(out).startsWith("ssh-");

        // collectors rm: the collector and its schedules go
        assertThat(cli("run", "csvc", "--daily")).isZero();
        assertThat(cli("collectors", "rm", "csvc")).isZero();
        assertThat(json("collectors")).isEmpty();
        assertThat(json("schedules")).isEmpty();
        assertThat(cli("collectors", "rm", "csvc")).isEqualTo(2);
    }

    @Test
    void should_give_up_with_exit_1_and_a_sentence_when_timeout_expires_while_the_run_goes_on() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of("defaults.retries", "0"));
        daemon.register("slow", TestImages.collector("maomao-test/cli-slow:1", "echo started\nsleep 60\n"), "");
        long t0 = System.nanoTime();
        assertThat(cli("run", "slow", "--wait", "--timeout", "3s")).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(err).contains("gave up after --timeout 3s waiting for run ", "maomao log -f");
        JsonNode run = json("runs").get(0);
        String id = run.get("id").asText();
        assertThat(run.get("state").asText()).isIn("queued", "running"); // the daemon goes on with it
        assertThat(cli("log", id, "-f", "--timeout", "1s")).isEqualTo(1);
        assertThat(err).contains("gave up after --timeout 1s waiting for run " + id + " to end");
        assertThat(cli("log", id, "-f", "--timeout", "soon")).isEqualTo(2);
        assertThat(cli("cancel", id)).isZero();
        // a command that ends in time returns its own result through --timeout
        assertThat(cli("register", "quick", TestImages.collector("maomao-test/cli-csv:1", CSV_COLLECTOR), "--timeout", "1m"))
                .isZero();
        assertThat(out).contains("registered quick");
        assertThat(cli("register", "bad name", "x", "--timeout", "1m")).isEqualTo(2);
    }

    @Test
    void should_never_print_a_collector_s_escape_sequences_to_the_terminal() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        // a log line setting the window title, writing the clipboard and clearing the screen; a column named with ESC
        String script = "printf 'one\\033]0;PWNED\\007two\\033]52;c;ZWNobw==\\007\\033[2J\\r\\n'\n"
                + "printf 't,a\\033]0;X\\007b\\n2026-01-01T00:00:00Z,5\\n' > /output/e.csv\n";
        daemon.register("esc", TestImages.collector("maomao-test/cli-esc:1", script), ",\"dataset\":\"escds\"");
        assertThat(cli("run", "esc", "--wait")).as(err).isZero();
        String id = json("runs").get(0).get("id").asText();
        assertThat(cli("log", id)).isZero();
        assertThat(out).contains("one?]0;PWNED?two?]52;c;ZWNobw==??[2J").doesNotContain("\u001b", "\u0007", "\r");
        assertThat(cli("series")).isZero();
        assertThat(out).contains("e.csv#a?]0;X?b").doesNotContain("\u001b", "\u0007");
        assertThat(json("series").toString()).contains("\\u001B]0;X\\u0007"); // JSON keeps the name, escaped
    }

    @Test
    void should_register_with_run_env_and_spike_settings_and_refuse_a_bad_one_without_changing_anything() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        String image = TestImages.collector("maomao-test/cli-csv:1", CSV_COLLECTOR);
        assertThat(cli("register", "tuned", image, "--set", "retries=1", "--set", "env.GREETING=a=b",
                "--set", "spike.season=daily", "--set", "spike.lag=2d")).as(err).isZero();
        JsonNode settings = json("collectors", "show", "tuned").get("settings");
        assertThat(settings.get("retries").asText()).isEqualTo("1");
        assertThat(settings.get("env.GREETING").asText()).isEqualTo("a=b"); // split at the first '=' only
        assertThat(settings.get("spike.season").asText()).isEqualTo("daily");
        assertThat(settings.get("spike.lag").asText()).isEqualTo("2d");
        for (String[] bad : new String[][] {{"--set", "spike.season=sometimes"}, {"--set", "retries"},
                {"--set", "=1"}, {"--set", "dataset=other"}, {"--set", "colour=red"}, {"--set", "spike.lag="}}) {
            List<String> args = new ArrayList<>(List.of("register", "tuned", image));
            args.addAll(List.of(bad));
            assertThat(cli(args.toArray(String[]::new))).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(err).as(String.join(" ", bad)).startsWith("maomao: ").doesNotContain("Exception");
        }
        assertThat(json("collectors", "show", "tuned").get("settings")).isEqualTo(settings);
        assertThat(cli("register", "fresh", image, "--set", "spike.method=nope")).isEqualTo(2);
        assertThat(cli("collectors", "show", "fresh")).isEqualTo(2);
    }

    @Test
    void should_run_piped_lines_in_the_shell_and_print_their_output() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("piped", TestImages.collector("maomao-test/cli-csv:1", CSV_COLLECTOR), "");
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream("list\n\ncollectors show piped --json\nschedules rm nope\nexit\nkeys\n"
                .getBytes(StandardCharsets.UTF_8)));
        int code;
        try {
            code = cli("shell");
        } finally {
            System.setIn(old);
        }
        assertThat(out).contains("NAME", "piped", "\"name\" : \"piped\"").doesNotContain("ssh-"); // stopped at exit
        assertThat(err).contains("does not exist").doesNotContain("Exception");
        assertThat(code).isEqualTo(2); // like sh: the last command's code, for scripts
        System.setIn(new ByteArrayInputStream("schedules rm nope\ncollectors\n".getBytes(StandardCharsets.UTF_8)));
        try {
            assertThat(cli("shell")).isZero();
            assertThat(out).contains("piped");
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void should_complete_collector_names_schedule_ids_run_ids_and_datasets_from_the_daemon() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("alpha", TestImages.collector("maomao-test/cli-csv:1", CSV_COLLECTOR), "");
        daemon.register("beta", TestImages.collector("maomao-test/cli-csv:1", CSV_COLLECTOR), "");
        assertThat(cli("run", "alpha", "--hourly")).isZero();
        String schedule = json("schedules").get(0).get("id").asText();
        assertThat(cli("run", "beta", "--dataset", "gamma")).isZero();
        String run = out.trim();
        assertThat(cli("datasets", "add", "delta")).isZero();

        assertThat(complete("run ")).contains("alpha", "beta");
        assertThat(complete("run al")).contains("alpha").doesNotContain("beta");
        assertThat(complete("collectors rm ")).contains("alpha", "beta");
        assertThat(complete("list show b")).contains("beta");
        assertThat(complete("schedules pause ")).contains(schedule).doesNotContain("alpha");
        assertThat(complete("log ")).contains(run);
        assertThat(complete("runs show ")).contains(run);
        assertThat(complete("cancel ")).contains(run);
        assertThat(complete("runs --collector ")).contains("alpha", "beta");
        assertThat(complete("datasets show ")).contains("delta");
        assertThat(complete("run alpha --dataset ")).contains("delta");
        assertThat(complete("run alpha ")).doesNotContain("alpha", "beta"); // one collector per run
        assertThat(complete("ru")).contains("run", "runs"); // commands still complete
        daemon.close();
        daemon = null;
        assertThat(complete("run ")).doesNotContain("alpha"); // no daemon: no names, no error
    }

    String url;

    private List<String> complete(String line) {
        url = daemon == null ? url : daemon.url("");
        CommandLine cmd = new CommandLine(new MaomaoCli());
        cmd.parseArgs("--url", url);
        List<Candidate> found = new ArrayList<>();
        ShellCompletion.forShell(cmd).complete(null, new DefaultParser().parse(line, line.length()), found);
        return found.stream().map(Candidate::value).toList();
    }
}

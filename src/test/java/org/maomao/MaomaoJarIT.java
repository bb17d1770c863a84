package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.Poll;
import org.maomao.testing.Ports;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The shaded jar as a user runs it: {@code java -jar target/maomao.jar ...}. */
class MaomaoJarIT {
    static final Path JAR = Path.of("target/maomao.jar");
    /** The classes of the CLI's fast path, first on the launcher's class path. */
    static final Path CLI_JAR = Path.of("target/maomao-cli.jar");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    Process start(Map<String, String> env, String... args) throws IOException {
        return start(null, env, args);
    }

    /** The jar with {@code input} (if not null) piped to its standard input. */
    Process start(Path input, Map<String, String> env, String... args) throws IOException {
        // SIGHUP back to its default: a suite run under nohup would hand its JVMs an ignored SIGHUP, which
        // the JVM keeps ignored, and the reload tests would prove nothing (the daemon warns of it)
        return launch(List.of("env", "--default-signal=HUP"), input, env, args);
    }

    /** The jar started by {@code launcher} (a command that ends by running its arguments), output to out.log. */
    Process launch(List<String> launcher, Path input, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(launcher);
        cmd.addAll(List.of("java", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        if (input != null) {
            pb.redirectInput(input.toFile());
        }
        pb.environment().putAll(env);
        return pb.start();
    }

    static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Test
    void should_serve_declare_the_example_collectors_reload_on_sighup_and_stop_cleanly_on_sigterm() throws Exception {
        TestImages.ensureBase();
        int port = Ports.free();
        Process p = start(Map.of("MAOMAO_DAEMON_LISTEN", "127.0.0.1:" + port,
                "MAOMAO_DAEMON_DATA_DIR", dir.resolve("data").toString(),
                "MAOMAO_DAEMON_COLLECTORS_DIR", Path.of("collectors").toAbsolutePath().toString()), "daemon");
        try {
            HttpResponse<String> health = Poll.until(Duration.ofSeconds(90), "the daemon to answer /health", () -> {
                HttpResponse<String> r = get(port, "/health");
                return r != null && r.statusCode() == 200 ? r : null;
            });
            assertThat(health.body()).contains("\"docker\":\"up\"");
            JsonNode collectors = new ObjectMapper().readTree(get(port, "/collectors").body());
            assertThat(collectors.findValuesAsText("name")).containsExactly("dummy", "loadavg");
            JsonNode schedules = new ObjectMapper().readTree(get(port, "/schedules").body());
            assertThat(schedules.findValuesAsText("id")).containsExactly("dummy@dummy", "loadavg@host");
            new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
            Poll.until(Duration.ofSeconds(60), "the reload on SIGHUP", () -> log().contains("reloaded: 2 declared collector(s)"));
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroy(); // SIGTERM
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isIn(0, 143);
        assertThat(Files.readString(dir.resolve("out.log"))).contains("maomao stopping", "maomao stopped");
    }

    @Test
    void should_take_a_sighup_or_a_sigterm_that_comes_while_it_starts() throws Exception {
        // The daemon answers /health before its start returns, so a supervisor may signal it then. Both
        // signals are sent at the store's first log line, in the middle of the start: SIGHUP used to end
        // the JVM there (its handler came after the start), SIGTERM to stop it without closing anything.
        String startLine = "Flyway";
        int port = Ports.free();
        Map<String, String> env = Map.of("MAOMAO_DAEMON_LISTEN", "127.0.0.1:" + port,
                "MAOMAO_DAEMON_DATA_DIR", dir.resolve("data").toString());
        Process hup = start(env, "daemon");
        try {
            Poll.until(Duration.ofSeconds(90), "the start to be under way", () -> log().contains(startLine));
            new ProcessBuilder("kill", "-HUP", Long.toString(hup.pid())).start().waitFor(10, TimeUnit.SECONDS);
            awaitHealth(port);
            Poll.until(Duration.ofSeconds(60), "the reload of the SIGHUP", () -> log().contains("reloaded: "));
            assertThat(hup.isAlive()).isTrue();
        } finally {
            hup.destroy();
        }
        assertThat(hup.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Files.delete(dir.resolve("out.log"));
        Process term = start(env, "daemon");
        Poll.until(Duration.ofSeconds(90), "the start to be under way", () -> log().contains(startLine));
        term.destroy(); // SIGTERM
        assertThat(term.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(term.exitValue()).isIn(0, 143);
        assertThat(log()).contains("maomao listening", "maomao stopping", "maomao stopped");

        // started with SIGHUP ignored (nohup), the JVM keeps ignoring it: the daemon says so, and how to reload
        Files.delete(dir.resolve("out.log"));
        Process nohup = launch(List.of("sh", "-c", "trap '' HUP; exec \"$@\"", "sh"), null, env, "daemon");
        try {
            awaitHealth(port);
            assertThat(log()).contains("SIGHUP is ignored in this process (started under nohup?): reload with "
                    + "'maomao reload' or POST /reload instead");
        } finally {
            nohup.destroy();
        }
        assertThat(nohup.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("out.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void should_recover_a_run_after_kill_9_with_one_commit_and_no_leftover_container() throws Exception {
        String patient = TestImages.collector("maomao-test/patient:jar", """
                echo "working on attempt $MAOMAO_ATTEMPT"
                if [ "$MAOMAO_ATTEMPT" -lt 2 ]; then sleep 120; fi
                printf 't,v\\n%s,1\\n' "$MAOMAO_ATTEMPT" > /output/rows.csv
                """);
        int port = Ports.free();
        Map<String, String> env = Map.of("MAOMAO_DAEMON_LISTEN", "127.0.0.1:" + port,
                "MAOMAO_DAEMON_DATA_DIR", dir.resolve("data").toString(), "MAOMAO_DEFAULTS_RETRY_BACKOFF", "1s");
        Process first = start(env, "daemon");
        String id;
        try {
            awaitHealth(port);
            post(port, "/register", "{\"name\":\"patient\",\"url\":\"" + patient + "\"}");
            id = new ObjectMapper().readTree(post(port, "/run", "{\"name\":\"patient\",\"dataset\":\"crash\",\"cron\":false}"))
                    .get("id").asText();
            Poll.until(Duration.ofSeconds(60), "the run to work", () -> {
                HttpResponse<String> r = get(port, "/runs/" + id + "/log");
                return r != null && r.body().contains("working on attempt 1");
            });
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, the container keeps running
        }
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(DaemonEndToEndTest.dockerContainersOf(id)).hasSize(1);

        Process second = start(env, "daemon");
        try {
            awaitHealth(port);
            JsonNode done = Poll.until(Duration.ofSeconds(90), "the recovered run to end", () -> {
                JsonNode r = json(get(port, "/runs/" + id));
                return r != null && r.get("state").asText().equals("succeeded") ? r : null;
            });
            assertThat(done.get("attempt").asInt()).isEqualTo(2);
            assertThat(org.maomao.testing.GitCli.lines(dir.resolve("data/datasets/crash"), "log", "--format=%H")).hasSize(1);
            assertThat(DaemonEndToEndTest.dockerContainersOf(id)).isEmpty();
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    static void awaitHealth(int port) {
        Poll.until(Duration.ofSeconds(90), "the daemon to answer /health", () -> {
            HttpResponse<String> r = get(port, "/health");
            return r != null && r.statusCode() == 200;
        });
    }

    static String post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return r == null ? null : new ObjectMapper().readTree(r.body());
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void should_exit_2_with_a_sentence_for_a_missing_config_file() throws Exception {
        Process p = start(Map.of(), "daemon", "--config", dir.resolve("nope.ini").toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("out.log"))).contains("does not exist");
    }

    @Test
    void should_print_one_detect_row_per_input_row() throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 50; i++) {
            csv.append("t").append(i).append(',').append(i == 40 ? 500 : 10 + i % 3).append('\n');
        }
        Path f = Files.writeString(dir.resolve("s.csv"), csv);
        Process p = start(Map.of(), "detect", f.toString(), "--lag", "10");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("out.log")).stream().filter(l -> !l.contains(" INFO ")).toList();
        assertThat(lines.get(0)).isEqualTo("timestamp,value,score,spike");
        assertThat(lines).hasSize(51);
        assertThat(lines.get(41)).startsWith("t40,").endsWith(",1");
        assertThat(lines.stream().filter(l -> l.endsWith(",1") || l.endsWith(",-1"))).hasSize(1);
    }

    @Test
    void should_run_commands_piped_into_the_shell_and_print_their_output() throws Exception {
        try (org.maomao.testing.TestDaemon daemon = new org.maomao.testing.TestDaemon(dir.resolve("data"), Map.of())) {
            daemon.register("piped", TestImages.collector("maomao-test/jar-piped:1", "echo hi\n"), "");
            Path input = Files.writeString(dir.resolve("in.txt"), "list\ncollectors show piped\nschedules\n");
            Process p = start(input, Map.of(), "--url", daemon.url(""), "shell");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(dir.resolve("out.log"));
            assertThat(out).contains("NAME", "piped", "maomao-test/jar-piped:1", "FREQUENCY")
                    .doesNotContain("Exception", "Stream Closed", "maomao>");
            assertThat(p.exitValue()).isZero();
        }
    }

    @Test
    void should_refuse_to_start_with_an_unknown_key_in_the_file_or_the_environment() throws Exception {
        Path config = Files.writeString(dir.resolve("old.ini"), "[daemon]\nlisten = 127.0.0.1:0\nimportdir = "
                + dir.resolve("imports") + "\n");
        Process p = start(Map.of(), "daemon", "--config", config.toString());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("out.log")))
                .contains("unknown key `importdir` in [daemon] of " + config + " line 3; did you mean `data_dir`?");
        Process e = start(Map.of("MAOMAO_DAEMON_LISTEN", "127.0.0.1:0", "MAOMAO_DAEMON_DATA_DIRR", dir.toString()), "daemon");
        assertThat(e.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(e.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("out.log")))
                .contains("unknown key `data_dirr` in [daemon] from the environment variable MAOMAO_DAEMON_DATA_DIRR; "
                        + "did you mean `data_dir`?");
        assertThat(dir.resolve("imports")).doesNotExist();
    }

    /** {@code ./maomao ARGS} from a copy of the launcher and the jar, in {@code home}: exit code, stdout, stderr. */
    static List<Object> launch(Path home, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(home.resolve("maomao").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(home.resolve("stdout").toFile())
                .redirectError(home.resolve("stderr").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return List.of(p.exitValue(), Files.readString(home.resolve("stdout")), Files.readString(home.resolve("stderr")));
    }

    @Test
    void should_answer_a_listing_through_the_launcher_without_an_archive_with_a_stale_one_and_with_a_truncated_one()
            throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.copy(Path.of("maomao"), home.resolve("maomao"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Path jar = Files.copy(JAR, Files.createDirectories(home.resolve("target")).resolve("maomao.jar"));
        Files.copy(CLI_JAR, home.resolve("target/maomao-cli.jar"));
        // a listing's archive (maomao-list.jsa); the full CLI's (maomao-cli.jsa) works the same way
        Path archive = home.resolve("target/maomao-list.jsa");
        Path stamp = home.resolve("target/maomao-list.jsa.stamp");
        try (org.maomao.testing.TestDaemon daemon = new org.maomao.testing.TestDaemon(dir.resolve("data"), Map.of())) {
            daemon.register("launched", TestImages.collector("maomao-test/jar-launched:1", "echo hi\n"), "");
            String url = daemon.url("");

            // no archive: the first command makes it, and answers as usual
            List<Object> first = launch(home, "--url", url, "collectors");
            assertThat(first.get(0)).as(first.toString()).isEqualTo(0);
            assertThat((String) first.get(1)).startsWith("NAME").contains("launched", "maomao-test/jar-launched:1");
            assertThat(archive).isNotEmptyFile();
            String made = Files.readString(stamp);

            // with the archive: the same answer, the archive kept
            assertThat(launch(home, "--url", url, "collectors")).isEqualTo(first);
            assertThat(Files.readString(stamp)).isEqualTo(made);

            // a new jar: the archive of the old one is replaced, nothing is printed about it
            Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            assertThat(launch(home, "--url", url, "collectors")).isEqualTo(first);
            assertThat(Files.readString(stamp)).isNotEqualTo(made);

            // a truncated archive would crash the JVM: it is not used, and is made again
            byte[] whole = Files.readAllBytes(archive);
            archive.toFile().setWritable(true);
            Files.write(archive, java.util.Arrays.copyOf(whole, whole.length / 2));
            assertThat(launch(home, "--url", url, "collectors")).isEqualTo(first);
            assertThat(Files.readString(stamp)).contains(" " + Files.size(archive) + ".").doesNotContain(" " + whole.length / 2 + ".");

            // garbage of the right size with a matching stamp: the JVM refuses it quietly
            archive.toFile().setWritable(true);
            java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(archive);
            String stamped = Files.readString(stamp);
            Files.write(archive, new byte[(int) Files.size(archive)]);
            Files.setLastModifiedTime(archive, time);
            assertThat(launch(home, "--url", url, "collectors")).isEqualTo(first);
            assertThat(Files.readString(stamp)).isEqualTo(stamped); // it was given to the JVM, which refused it

            // and a daemon that is down is still exit 3 with the sentence
            List<Object> down = launch(home, "--url", "http://127.0.0.1:9", "collectors");
            assertThat(down.get(0)).isEqualTo(3);
            assertThat((String) down.get(2)).contains("not reachable");
        }
    }

    /** {@code java ARGS} from {@code home}: exit code, stdout, stderr. */
    static List<Object> java(Path home, List<String> args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("java"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectOutput(home.resolve("stdout").toFile())
                .redirectError(home.resolve("stderr").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return List.of(p.exitValue(), Files.readString(home.resolve("stdout")), Files.readString(home.resolve("stderr")));
    }

    @Test
    void should_print_through_the_launcher_what_the_jar_prints_and_list_without_opening_the_shaded_jar() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.copy(Path.of("maomao"), home.resolve("maomao"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(JAR, Files.createDirectories(home.resolve("target")).resolve("maomao.jar"));
        Files.copy(CLI_JAR, home.resolve("target/maomao-cli.jar"));
        try (org.maomao.testing.TestDaemon daemon = new org.maomao.testing.TestDaemon(dir.resolve("data"), Map.of())) {
            daemon.register("fast", TestImages.collector("maomao-test/jar-fast:1", "echo hi\n"), "");
            daemon.awaitEnd(daemon.runNow("fast", "fastset"), Duration.ofSeconds(90));
            String url = daemon.url("");
            String down = "http://127.0.0.1:" + Ports.free();
            // the launcher (FastCli, with the class-data archive) and java -jar (MaomaoCli) print the same bytes
            for (List<String> args : List.of(List.of("--url", url, "collectors"), List.of("--url", url, "--json", "runs"),
                    List.of("--url", url, "schedules"), List.of("--url", url, "datasets", "--json"),
                    List.of("--url", url, "spikes"), List.of("--url", down, "list"), List.of("--url", url, "runs", "--limit", "0"),
                    List.of("--url", url, "collectors", "--bogus"), List.of("--url", url, "status"),
                    List.of("--url", url, "collectors", "show", "fast"), List.of("runs", "--help"))) {
                List<String> jarArgs = new java.util.ArrayList<>(List.of("-jar", "target/maomao.jar"));
                jarArgs.addAll(args);
                assertThat(launch(home, args.toArray(String[]::new))).as(args.toString()).isEqualTo(java(home, jarArgs));
            }
            assertThat(home.resolve("target/maomao-list.jsa")).isNotEmptyFile();
            assertThat(home.resolve("target/maomao-cli.jsa")).isNotEmptyFile();

            // a listing loads its classes from the small jar (or the archive of it) and the JDK only
            Path log = home.resolve("classes.log");
            List<Object> listed = java(home, List.of("-Xlog:class+load=info:file=" + log, "-cp",
                    "target/maomao-cli.jar:target/maomao.jar", "org.maomao.cli.FastCli", "--url", url, "collectors"));
            assertThat(listed.get(0)).isEqualTo(0);
            assertThat((String) listed.get(1)).contains("fast", "maomao-test/jar-fast:1");
            String classes = Files.readString(log);
            assertThat(classes).contains("org.maomao.cli.FastCli ", "org.maomao.cli.MiniJson ")
                    .doesNotContain("maomao.jar", "picocli.", "com.fasterxml.", "org.apache.commons.", "org.maomao.config.",
                            "org.maomao.cli.MaomaoCli", "java.net.HttpURLConnection");
            // anything else is the full CLI's, in the same process
            List<Object> other = java(home, List.of("-Xlog:class+load=info:file=" + log, "-cp",
                    "target/maomao-cli.jar:target/maomao.jar", "org.maomao.cli.FastCli", "--url", url, "collectors", "show", "fast"));
            assertThat(other.get(0)).isEqualTo(0);
            assertThat(Files.readString(log)).contains("org.maomao.cli.MaomaoCli ", "picocli.CommandLine ");
        }
    }
}

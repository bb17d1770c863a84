package org.maomao.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.CliRun;

/** Unknown sections and keys stop the start (exit 2) or leave a collector file unapplied, with a sentence. */
class StrictConfigTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void a_typo_stops_the_start_with_exit_2_naming_file_line_and_closest_key() throws Exception {
        Path c = file("config.ini", "[daemon]\nlisten = 127.0.0.1:0\n\ndata-dir = " + dir.resolve("d") + "\n");
        CliRun s = CliRun.daemon(c);
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).contains("unknown key `data-dir` in [daemon] of " + c + " line 4; did you mean `data_dir`?");
        assertThat(dir.resolve("d")).doesNotExist();
    }

    @Test
    void a_key_of_the_python_prototype_gets_its_own_hint() throws Exception {
        Path c = file("config.ini", "; the prototype's file\n[daemon]\nimportdir = " + dir.resolve("imports") + "\n");
        CliRun s = CliRun.daemon(c);
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).contains("unknown key `importdir` in [daemon] of " + c + " line 3; did you mean `data_dir`?",
                "prototype's importdir is data_dir now");
    }

    @Test
    void an_unknown_section_stops_the_start_even_when_empty() throws Exception {
        Path c = file("config.ini", "[deamon]\nlisten = 127.0.0.1:0\n");
        CliRun s = CliRun.daemon(c);
        assertThat(s.code()).isEqualTo(2);
        assertThat(s.err()).contains("unknown section [deamon] of " + c + " line 1; did you mean [daemon]?");
        Path empty = file("empty.ini", "[daemon]\nlisten = 127.0.0.1:0\n[sotre]\n; nothing yet\n");
        assertThatThrownBy(() -> Settings.fromLayers(List.of(empty), Map.of()))
                .hasMessageContaining("unknown section [sotre] of " + empty + " line 3; did you mean [store]?");
    }

    @Test
    void keys_are_named_as_written_with_their_line_whatever_their_case_or_dots() throws Exception {
        Path c = file("odd.ini", "[Daemon]\nData_Dir = /tmp/x\ndata.dir = 1\n");
        assertThatThrownBy(() -> Settings.fromLayers(List.of(c), Map.of()))
                .hasMessage("unknown key `data.dir` in [daemon] of " + c + " line 3; did you mean `data_dir`?");
    }

    @Test
    void a_key_set_twice_in_a_section_is_refused_whatever_its_case() throws Exception {
        Path cased = file("collectors/cased/collector.ini", "image = busybox:1\n[spike]\nLAG = 7x\nlag = 6h\n");
        Path twice = file("collectors/twice/collector.ini", "image = busybox:1\n[spike]\nlag = 7x\nlag = 6h\n");
        Path split = file("collectors/split/collector.ini", "image = busybox:1\n[Spike]\nlag = 7x\n[spike]\nLag = 6h\n");
        Path env = file("collectors/env/collector.ini", "image = busybox:1\n[env]\nFOO = 1\nfoo = 2\n");
        List<String> errors = new ArrayList<>();
        List<CollectorFile> files = CollectorFile.scan(dir.resolve("collectors"), e -> errors.add(e.getMessage()));
        assertThat(files).extracting(CollectorFile::name).containsExactly("env"); // variable names keep their case
        assertThat(files.get(0).settings()).containsEntry("env.FOO", "1").containsEntry("env.foo", "2");
        assertThat(String.join("\n", errors)).contains(
                "key `lag` in [spike] of " + cased + " is set twice (as `LAG` and `lag`; keys ignore case): keep one.",
                "key `lag` in [spike] of " + twice + " is set twice: keep one.",
                "key `lag` in [spike] of " + split + " is set twice (as `lag` and `Lag`; keys ignore case): keep one.");
        Path daemon = file("config.ini", "[daemon]\nlisten = 127.0.0.1:0\nLISTEN = 127.0.0.1:1\n");
        assertThatThrownBy(() -> Settings.fromLayers(List.of(daemon), Map.of()))
                .hasMessageContaining("key `listen` in [daemon] of " + daemon + " is set twice");
    }

    @Test
    void a_key_in_the_wrong_section_says_where_it_belongs() throws Exception {
        Path c = file("config.ini", "[daemon]\ntimeout = 5m\n");
        assertThatThrownBy(() -> Settings.fromLayers(List.of(c), Map.of()))
                .hasMessageContaining("unknown key `timeout` in [daemon] of " + c + " line 2; `timeout` belongs in [defaults].");
    }

    @Test
    void an_environment_variable_with_an_unknown_key_is_refused() {
        assertThatThrownBy(() -> Settings.fromLayers(List.of(), Map.of("MAOMAO_DAEMON_DATADIR", "/tmp/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown key `datadir` in [daemon] from the environment variable MAOMAO_DAEMON_DATADIR; "
                        + "did you mean `data_dir`?");
        assertThatThrownBy(() -> Settings.fromLayers(List.of(), Map.of("MAOMAO_DAEMON_IMPORTDIR", "/tmp/x")))
                .hasMessageContaining("did you mean `data_dir`?");
        assertThatThrownBy(() -> Settings.fromLayers(List.of(), Map.of("MAOMAO_DOKCER_HOST", "unix:///x")))
                .hasMessageContaining("unknown section [dokcer] from the environment variable MAOMAO_DOKCER_HOST; did you mean [docker]?");
        // the CLI's own variables and those of collector containers are not settings
        Settings ok = Settings.fromLayers(List.of(), Map.of("MAOMAO_URL", "http://x", "MAOMAO_TOKEN", "t", "MAOMAO_RUN_ID", "r",
                "MAOMAO_DAEMON_DATA_DIR", "/tmp/y", "PATH", "/bin"));
        assertThat(ok.get("daemon", "data_dir")).contains("/tmp/y");
    }

    @Test
    void every_key_the_code_reads_is_known() throws Exception {
        StringBuilder all = new StringBuilder();
        KnownKeys.DAEMON.forEach((section, keys) -> {
            all.append('[').append(section).append("]\n");
            keys.forEach(k -> all.append(k).append(" = x\n"));
        });
        Settings s = Settings.fromLayers(List.of(file("all.ini", all.toString())), Map.of());
        for (String[] k : new String[][] {{"daemon", "read_timeout"}, {"daemon", "max_connections"}, {"docker", "user"},
                {"docker", "allowed_networks"}, {"docker", "max_memory"}, {"docker", "max_cpus"}, {"docker", "max_pids"},
                {"git", "allowed_remotes"}, {"defaults", "max_series"}, {"defaults", "max_series_per_file"},
                {"defaults", "max_output_files"}, {"spike", "min_points"}, {"spike", "season"}, {"spike", "webhook"},
                {"daemon", "shutdown_grace"}, {"git", "push_retry"}, {"etcd", "prefix"}, {"store", "password"}}) {
            assertThat(s.get(k[0], k[1])).as(k[0] + "." + k[1]).isPresent();
        }
    }

    @Test
    void the_repository_config_and_example_collectors_still_load() {
        Settings s = Settings.fromLayers(List.of(Path.of("config.ini")), Map.of());
        assertThat(DaemonConfig.from(s).listenPort()).isEqualTo(8080);
        List<String> errors = new ArrayList<>();
        List<CollectorFile> files = CollectorFile.scan(Path.of("collectors"), e -> errors.add(e.getMessage()));
        assertThat(errors).isEmpty();
        assertThat(files).extracting(CollectorFile::name).contains("dummy", "loadavg");
    }

    @Test
    void a_collector_file_with_an_unknown_key_is_not_applied_and_says_why() throws Exception {
        Path good = file("collectors/good/collector.ini", "image = busybox:1\n[env]\nANY_NAME = 1\n[spike]\nthreshold = 4\n");
        Path typo = file("collectors/typo/collector.ini", "image = busybox:1\ndatset = weather\n");
        Path section = file("collectors/sect/collector.ini", "image = busybox:1\n[spikes]\nthreshold = 4\n");
        Path spike = file("collectors/spk/collector.ini", "image = busybox:1\n[spike]\nthreshhold = 4\n");
        List<String> errors = new ArrayList<>();
        List<CollectorFile> files = CollectorFile.scan(dir.resolve("collectors"), e -> errors.add(e.getMessage()));
        assertThat(files).extracting(CollectorFile::name).containsExactly("good");
        assertThat(good).exists();
        assertThat(errors).hasSize(3);
        assertThat(String.join("\n", errors)).contains(
                "unknown key `datset` of " + typo + " line 2; did you mean `dataset`?",
                "unknown section [spikes] of " + section + " line 2; did you mean [spike]?",
                "unknown key `threshhold` in [spike] of " + spike + " line 3; did you mean `threshold`?");
    }
}

package org.maomao.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.RunPolicy.OutputMode;
import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.run.DatasetWriter.IngestRequest;
import org.maomao.run.DatasetWriter.IngestResult;
import org.maomao.testing.GitCli;

/** Ingest and commit into real git repositories, checked with the git command line. */
class GitDatasetsTest {
    @TempDir
    Path dir;

    GitDatasets datasets() {
        return new GitDatasets(dir.resolve("datasets"), "maomao", "maomao@localhost", true);
    }

    Path output(String name, String content) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out-" + System.nanoTime()));
        Path f = out.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return out;
    }

    IngestRequest request(Path out, String runId, OutputMode mode) {
        return new IngestRequest("ds", "col", out, mode, runId, 1, "img:1", "sha256:" + "a".repeat(64));
    }

    @Test
    void should_append_csv_rows_and_report_only_the_new_ones() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n2,11\n"), "r1", OutputMode.APPEND));
        IngestResult second = d.ingest(request(output("t.csv", "time,x\n3,12\n"), "r2", OutputMode.APPEND));

        Path repo = dir.resolve("datasets/ds");
        assertThat(Files.readString(repo.resolve("col/t.csv"))).isEqualTo("time,x\n1,10\n2,11\n3,12\n");
        assertThat(second.tables()).hasSize(1);
        assertThat(second.tables().get(0).rows()).containsExactly("3,12");
        assertThat(GitCli.lines(repo, "log", "--format=%s")).containsExactly("col: run r2", "col: run r1");
        assertThat(GitCli.run(repo, "fsck", "--strict")).isEmpty();
    }

    @Test
    void should_refuse_a_csv_with_another_header_and_change_nothing() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "r1", OutputMode.APPEND));
        Path out = output("t.csv", "time,y\n2,20\n");
        Files.writeString(out.resolve("other.txt"), "would be written");

        assertThatThrownBy(() -> d.ingest(request(out, "r2", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("\"time,y\"").hasMessageContaining("\"time,x\"").hasMessageContaining("output = replace");
        Path repo = dir.resolve("datasets/ds");
        assertThat(GitCli.lines(repo, "log", "--format=%s")).containsExactly("col: run r1");
        assertThat(GitCli.run(repo, "status", "--porcelain")).isEmpty();
        assertThat(Files.exists(repo.resolve("col/other.txt"))).isFalse();
    }

    @Test
    void should_not_commit_when_nothing_changed() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("state.json", "{\"a\":1}"), "r1", OutputMode.APPEND));
        IngestResult same = d.ingest(request(output("state.json", "{\"a\":1}"), "r2", OutputMode.APPEND));
        assertThat(same.commit()).isNull();
        assertThat(GitCli.lines(dir.resolve("datasets/ds"), "log", "--format=%s")).hasSize(1);
    }

    @Test
    void should_replace_csv_in_replace_mode_and_report_rows_past_the_old_end() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "r1", OutputMode.REPLACE));
        IngestResult r = d.ingest(request(output("t.csv", "time,x\n1,10\n2,11\n"), "r2", OutputMode.REPLACE));
        assertThat(Files.readString(dir.resolve("datasets/ds/col/t.csv"))).isEqualTo("time,x\n1,10\n2,11\n");
        assertThat(r.tables().get(0).rows()).containsExactly("2,11");
    }

    @Test
    void should_refuse_output_that_names_git_internals_or_links_outside() throws Exception {
        GitDatasets d = datasets();
        Path out = output(".git/config", "[core]\n");
        assertThatThrownBy(() -> d.ingest(request(out, "r1", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class).hasMessageContaining(".git");
        Path link = output("ok.txt", "x");
        Files.createSymbolicLink(link.resolve("passwd"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> d.ingest(request(link, "r2", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class).hasMessageContaining("symbolic link");
    }
}

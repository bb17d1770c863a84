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
import org.maomao.run.FileTrees;
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
        Files.writeString(dir.resolve("datasets/ds/untracked.txt"), "not maomao's"); // no reason to commit
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
    void should_say_a_file_meets_a_folder_when_the_output_and_the_dataset_disagree_and_commit_nothing() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("data/a.csv", "time,x\n1,10\n"), "r1", OutputMode.APPEND));
        String head = GitCli.run(dir.resolve("datasets/ds"), "rev-parse", "HEAD");
        assertThatThrownBy(() -> d.ingest(request(output("data", "x"), "r2", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class).hasMessageContaining("as a file but the dataset has a folder there")
                .hasMessageNotContaining("symbolic link");
        assertThatThrownBy(() -> d.ingest(request(output("data/a.csv/b.csv", "time,x\n1,10\n"), "r3", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class).hasMessageContaining("as a folder but the dataset has a file there");
        assertThat(GitCli.run(dir.resolve("datasets/ds"), "rev-parse", "HEAD")).isEqualTo(head);
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

    @Test
    void should_refuse_git_control_files_in_any_case_and_depth_and_commit_nothing() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "r1", OutputMode.APPEND));
        Path repo = dir.resolve("datasets/ds");
        for (String name : new String[] {".gitignore", "sub/.GitAttributes", "a/b/.GITMODULES"}) {
            Path out = output("t.csv", "time,x\n2,20\n");
            Files.createDirectories(out.resolve(name).getParent());
            Files.writeString(out.resolve(name), "*\n");
            assertThatThrownBy(() -> d.ingest(request(out, "r-" + name, OutputMode.APPEND)))
                    .isInstanceOf(IngestException.class).hasMessageContaining("reserved name")
                    .hasMessageContaining("nothing was committed");
        }
        assertThat(GitCli.lines(repo, "log", "--format=%s")).containsExactly("col: run r1");
        assertThat(GitCli.run(repo, "status", "--porcelain", "--ignored")).isEmpty();
        assertThat(Files.readString(repo.resolve("col/t.csv"))).isEqualTo("time,x\n1,10\n");
    }

    @Test
    void should_fail_a_run_whose_data_the_datasets_gitignore_would_hide_and_leave_nothing() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "r1", OutputMode.APPEND));
        Path repo = dir.resolve("datasets/ds");
        Files.writeString(repo.resolve(".gitignore"), "*\n!.gitignore\n"); // e.g. cloned with the dataset
        GitCli.run(repo, "add", ".gitignore");
        GitCli.run(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "ignore all");

        assertThatThrownBy(() -> d.ingest(request(output("new.csv", "time,y\n1,1\n"), "r2", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class).hasMessageContaining("ignores col/new.csv")
                .hasMessageContaining("nothing was committed");
        assertThat(GitCli.lines(repo, "log", "--format=%s")).containsExactly("ignore all", "col: run r1");
        assertThat(repo.resolve("col/new.csv")).doesNotExist();
        assertThat(GitCli.run(repo, "status", "--porcelain", "--ignored")).isEmpty();

        // a tracked file still takes rows: the rule hides only new files
        IngestResult ok = d.ingest(request(output("t.csv", "time,x\n2,11\n"), "r3", OutputMode.APPEND));
        assertThat(ok.commit()).isNotNull();
    }

    @Test
    void should_fail_a_run_whose_data_info_exclude_would_hide() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "r1", OutputMode.APPEND));
        Path repo = dir.resolve("datasets/ds");
        Files.createDirectories(repo.resolve(".git/info"));
        Files.writeString(repo.resolve(".git/info/exclude"), "*.json\n");
        assertThatThrownBy(() -> d.ingest(request(output("deep/state.json", "{}"), "r2", OutputMode.REPLACE)))
                .isInstanceOf(IngestException.class).hasMessageContaining("ignores col/deep/state.json");
        assertThat(GitCli.lines(repo, "log", "--format=%s")).containsExactly("col: run r1");
        assertThat(repo.resolve("col/deep")).doesNotExist();
    }

    @Test
    void should_never_write_through_a_link_in_the_dataset() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "r1", OutputMode.APPEND));
        Path repo = dir.resolve("datasets/ds");
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Files.writeString(victim.resolve("t.csv"), "time,x\n");

        // a parent folder that is a link: col/a -> victim, and the run writes a/b.csv
        Files.createSymbolicLink(repo.resolve("col/a"), victim);
        assertThatThrownBy(() -> d.ingest(request(output("a/b.csv", "time,x\n2,2\n"), "r2", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class).hasMessageContaining("col/a").hasMessageContaining("link");
        assertThat(victim.resolve("b.csv")).doesNotExist();
        Files.delete(repo.resolve("col/a"));

        // the target file is a link to a host file: appending would write the host file
        Files.delete(repo.resolve("col/t.csv"));
        Files.createSymbolicLink(repo.resolve("col/t.csv"), victim.resolve("t.csv"));
        assertThatThrownBy(() -> d.ingest(request(output("t.csv", "time,x\n3,3\n"), "r3", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class).hasMessageContaining("col/t.csv");
        assertThat(victim.resolve("t.csv")).hasContent("time,x");
        Files.delete(repo.resolve("col/t.csv"));

        // the collector's folder itself is a link (a dataset folder w -> victim)
        FileTrees.delete(repo.resolve("col"));
        Files.createSymbolicLink(repo.resolve("col"), victim);
        assertThatThrownBy(() -> d.ingest(request(output("pwned.txt", "x"), "r4", OutputMode.APPEND)))
                .isInstanceOf(IngestException.class).hasMessageContaining("col");
        assertThat(victim.resolve("pwned.txt")).doesNotExist();
        assertThat(GitCli.lines(repo, "log", "--format=%s")).containsExactly("col: run r1");
    }

    @Test
    void should_refuse_a_clone_holding_links_or_submodules_and_leave_no_folder() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        GitCli.run(src, "init", "-q", "-b", "main");
        Files.writeString(src.resolve("ok.csv"), "t,v\n");
        Files.createSymbolicLink(src.resolve("evil"), Path.of("/"));
        GitCli.run(src, "add", "-A");
        GitCli.run(src, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "links");
        GitDatasets d = datasets();
        d.setRemotes(new RemoteUrls(java.util.List.of("file://" + dir.toRealPath() + "/*"), dir.resolve("datasets")));
        assertThatThrownBy(() -> d.create("linked", "file://" + src))
                .isInstanceOf(GitDatasets.RefusedDatasetException.class).hasMessageContaining("\"evil\"");
        assertThat(dir.resolve("datasets/linked")).doesNotExist();

        GitCli.run(src, "rm", "-q", "evil");
        GitCli.run(src, "update-index", "--add", "--cacheinfo", "160000," + "1".repeat(40) + ",vendor/sub");
        GitCli.run(src, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "submodule");
        assertThatThrownBy(() -> d.create("sub", "file://" + src))
                .isInstanceOf(GitDatasets.RefusedDatasetException.class).hasMessageContaining("vendor/sub");
        assertThat(dir.resolve("datasets/sub")).doesNotExist();

        GitCli.run(src, "rm", "-q", "--cached", "vendor/sub");
        GitCli.run(src, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "plain");
        d.create("plain", "file://" + src);
        Path clone = dir.resolve("datasets/plain");
        assertThat(clone.resolve("ok.csv")).hasContent("t,v");
        assertThat(GitCli.run(clone, "config", "core.symlinks")).isEqualTo("false");
        assertThat(GitCli.run(clone, "status", "--porcelain")).isEmpty();
    }

    @Test
    void should_tell_a_readable_data_file_from_a_link_out_of_the_dataset() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "r1", OutputMode.APPEND));
        Path repo = dir.resolve("datasets/ds");
        Files.createSymbolicLink(repo.resolve("col/passwd.csv"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(repo.resolve("etc"), Path.of("/etc"));
        assertThat(d.isDataFile("ds", repo.resolve("col/t.csv"))).isTrue();
        assertThat(d.isDataFile("ds", repo.resolve("col/not-yet.csv"))).isTrue();
        assertThat(d.isDataFile("ds", repo.resolve("col/passwd.csv"))).isFalse();
        assertThat(d.isDataFile("ds", repo.resolve("etc/passwd"))).isFalse();
        assertThat(d.isDataFile("ds", repo.resolve("../ds2/x.csv"))).isFalse();
    }
}

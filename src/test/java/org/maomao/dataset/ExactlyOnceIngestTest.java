package org.maomao.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.RunPolicy.OutputMode;
import org.maomao.run.DatasetWriter.IngestRequest;
import org.maomao.run.DatasetWriter.IngestResult;
import org.maomao.testing.GitCli;

/**
 * A run commits at most once, whatever the daemon forgot in a crash: an ingest of a run
 * that already has a commit returns that commit and writes nothing, and files a crash
 * left between writing and committing never ride along in the next commit.
 */
class ExactlyOnceIngestTest {
    @TempDir
    Path dir;

    GitDatasets datasets() {
        return new GitDatasets(dir.resolve("datasets"), "maomao", "maomao@localhost", false);
    }

    Path output(String name, String content) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out-" + System.nanoTime()));
        Files.writeString(out.resolve(name), content);
        return out;
    }

    IngestRequest request(Path out, String runId, int attempt) {
        return new IngestRequest("ds", "col", out, OutputMode.APPEND, runId, attempt, "img:1", null,
                Instant.now().minusSeconds(5), org.maomao.run.DatasetWriter.TablesCheck.NONE);
    }

    @Test
    void should_return_the_earlier_commit_of_a_run_instead_of_committing_it_again() throws Exception {
        GitDatasets d = datasets();
        IngestResult first = d.ingest(request(output("t.csv", "time,x\n1,10\n"), "run-a", 1));
        d.ingest(request(output("t.csv", "time,x\n2,20\n"), "run-b", 1));
        // the daemon lost run-a's end in a crash and runs it again: same run id, new output
        IngestResult again = d.ingest(request(output("t.csv", "time,x\n3,30\n"), "run-a", 2));

        Path repo = dir.resolve("datasets/ds");
        assertThat(again.earlier()).isTrue();
        assertThat(again.commit()).isEqualTo(first.commit());
        // the rows that commit added, read back from git, for the spike analysis the crash may have cut
        assertThat(again.tables()).hasSize(1);
        assertThat(again.tables().get(0).file()).isEqualTo("t.csv");
        assertThat(again.tables().get(0).rows()).containsExactly("1,10");
        assertThat(d.tablesOf("ds", "col", d.commitOf("ds", "run-b", null).orElseThrow()).get(0).rows())
                .containsExactly("2,20");
        assertThat(GitCli.lines(repo, "log", "--format=%s")).containsExactly("col: run run-b", "col: run run-a");
        assertThat(Files.readString(repo.resolve("col/t.csv"))).isEqualTo("time,x\n1,10\n2,20\n");
        assertThat(d.commitOf("ds", "run-a", Instant.now().minusSeconds(60))).contains(first.commit());
        assertThat(d.commitOf("ds", "run-c", Instant.now().minusSeconds(60))).isEmpty();
        assertThat(first.earlier()).isFalse();
    }

    @Test
    void should_report_and_read_back_the_jsonl_lines_a_commit_added_as_the_ingest_did() throws Exception {
        GitDatasets d = datasets();
        IngestResult first = d.ingest(request(output("m.jsonl", "{\"v\":1}\n\n{\"v\":2}\n"), "run-j1", 1));
        IngestResult second = d.ingest(request(output("m.jsonl", "{\"v\":3}\r\n"), "run-j2", 1));
        assertThat(first.tables()).singleElement().satisfies(t -> {
            assertThat(t.file()).isEqualTo("m.jsonl");
            assertThat(t.rows()).containsExactly("{\"v\":1}", "{\"v\":2}");
        });
        assertThat(second.tables().get(0).rows()).containsExactly("{\"v\":3}");
        // what crash recovery reads back from git is what the ingest reported
        assertThat(d.tablesOf("ds", "col", first.commit()).get(0).rows()).isEqualTo(first.tables().get(0).rows());
        assertThat(d.tablesOf("ds", "col", second.commit()).get(0).rows()).isEqualTo(second.tables().get(0).rows());
        IngestResult again = d.ingest(request(output("m.jsonl", "{\"v\":9}\n"), "run-j2", 2));
        assertThat(again.earlier()).isTrue();
        assertThat(again.tables().get(0).rows()).containsExactly("{\"v\":3}");
    }

    @Test
    void should_find_a_run_id_only_as_a_whole_trailer() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "run-10", 1));

        assertThat(d.commitOf("ds", "run-1", Instant.now().minusSeconds(60))).isEmpty();
        assertThat(d.ingest(request(output("t.csv", "time,x\n2,20\n"), "run-1", 1)).earlier()).isFalse();
    }

    @Test
    void should_not_let_files_left_by_an_interrupted_ingest_ride_along_in_the_next_commit() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "run-a", 1));
        Path repo = dir.resolve("datasets/ds");
        // a crash after run-b's files were written and before its commit
        Files.writeString(repo.resolve("col/t.csv"), "2,20\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(repo.resolve("col/half.txt"), "half of run-b");
        Files.createDirectories(repo.resolve("col/sub"));
        Files.writeString(repo.resolve("col/sub/staged.txt"), "added to the index, never committed");
        GitCli.run(repo, "add", "col/sub/staged.txt");

        d.ingest(request(output("t.csv", "time,x\n3,30\n"), "run-c", 1));

        assertThat(Files.readString(repo.resolve("col/t.csv"))).isEqualTo("time,x\n1,10\n3,30\n");
        assertThat(repo.resolve("col/half.txt")).doesNotExist();
        assertThat(repo.resolve("col/sub")).doesNotExist();
        assertThat(GitCli.lines(repo, "show", "--name-only", "--format=", "HEAD")).containsExactly("col/t.csv");
        assertThat(GitCli.run(repo, "status", "--porcelain")).isEmpty();
        // the unstaged blob is left dangling, which git counts as clean (exit 0, no error)
        assertThat(GitCli.run(repo, "fsck", "--strict")).doesNotContain("error", "missing", "broken");
    }

    @Test
    void should_clear_the_git_lock_files_a_killed_daemon_left_so_the_next_ingest_commits() throws Exception {
        GitDatasets d = datasets();
        d.ingest(request(output("t.csv", "time,x\n1,10\n"), "run-a", 1));
        Path git = dir.resolve("datasets/ds/.git");
        // kill -9 in the middle of a commit leaves JGit's lock files behind
        Files.writeString(git.resolve("index.lock"), "");
        Files.writeString(git.resolve("refs/heads/main.lock"), "");
        Files.writeString(git.resolve("HEAD.lock"), "");

        // and a clone it had not finished
        Files.createDirectories(dir.resolve("datasets/.clone-other-1234/.git"));
        // and objects half written (JGit's loose-object and pack temporaries), which no git tool collects
        Files.write(git.resolve("objects/noz123456.tmp"), new byte[4096]);
        Files.createDirectories(git.resolve("objects/pack"));
        Files.write(git.resolve("objects/pack/incoming_42.pack"), new byte[64]);
        java.util.List<Path> kept;
        try (var all = Files.walk(git.resolve("objects"))) {
            kept = all.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".tmp")
                    && !p.getFileName().toString().startsWith("incoming_")).toList();
        }

        assertThat(d.clearStaleLocks()).isEqualTo(6);
        assertThat(git.resolve("objects/noz123456.tmp")).doesNotExist();
        assertThat(git.resolve("objects/pack/incoming_42.pack")).doesNotExist();
        assertThat(kept).isNotEmpty().allSatisfy(p -> assertThat(p).exists()); // every real object stays
        assertThat(dir.resolve("datasets/.clone-other-1234")).doesNotExist();
        assertThat(d.list()).containsExactly("ds");
        IngestResult next = d.ingest(request(output("t.csv", "time,x\n2,20\n"), "run-b", 1));

        assertThat(next.commit()).isNotNull();
        assertThat(git.resolve("index.lock")).doesNotExist();
        assertThat(GitCli.lines(dir.resolve("datasets/ds"), "log", "--format=%s")).containsExactly("col: run run-b", "col: run run-a");
        assertThat(GitCli.run(dir.resolve("datasets/ds"), "fsck", "--strict")).doesNotContain("error", "missing", "broken");
    }
}

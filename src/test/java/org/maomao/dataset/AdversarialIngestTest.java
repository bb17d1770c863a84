package org.maomao.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.collector.RunPolicy.OutputMode;
import org.maomao.run.DatasetWriter.IngestException;
import org.maomao.run.DatasetWriter.IngestRequest;
import org.maomao.run.FileTrees;
import org.maomao.testing.GitCli;

/**
 * Hostile /output trees beyond the single examples of issue 10: file modes, names that
 * only look harmless on Linux, names that collide elsewhere, and embedded repositories.
 * Each is either refused with a sentence and nothing committed, or neutralised.
 */
class AdversarialIngestTest {
    @TempDir
    Path dir;

    GitDatasets datasets() {
        return new GitDatasets(dir.resolve("datasets"), "maomao", "maomao@localhost", false);
    }

    Path out() throws Exception {
        return Files.createDirectories(dir.resolve("out-" + System.nanoTime()));
    }

    static Path write(Path out, String rel, String content) throws Exception {
        Path f = out.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return f;
    }

    IngestRequest request(Path out, String runId) {
        return new IngestRequest("ds", "col", out, OutputMode.APPEND, runId, 1, "img:1", "sha256:" + "a".repeat(64));
    }

    /** Ingests {@code out} and expects a refusal naming {@code words}, with nothing committed or written. */
    void refused(GitDatasets d, Path out, String... words) throws Exception {
        Path repo = dir.resolve("datasets/ds");
        List<String> before = Files.isDirectory(repo.resolve(".git")) ? GitCli.lines(repo, "rev-list", "--all") : List.of();
        assertThatThrownBy(() -> d.ingest(request(out, "r-bad")))
                .isInstanceOf(IngestException.class)
                .hasMessageContainingAll(words)
                .hasMessageContaining("nothing was committed");
        if (Files.isDirectory(repo.resolve(".git"))) {
            assertThat(GitCli.lines(repo, "rev-list", "--all")).isEqualTo(before);
            assertThat(GitCli.lines(repo, "status", "--porcelain", "--untracked-files=all")).isEmpty();
        }
    }

    @Test
    void should_never_leave_a_setuid_or_world_writable_file_in_the_dataset() throws Exception {
        Path out = out();
        Files.setPosixFilePermissions(write(out, "tool", "#!/bin/sh\n"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(write(out, "data.txt", "x\n"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Path suid = out.resolve("tool");
        // setuid and setgid bits are not in PosixFilePermission: set them with chmod as a collector would
        assertThat(new ProcessBuilder("chmod", "6777", suid.toString()).start().waitFor()).isZero();

        datasets().ingest(request(out, "r1"));

        Path col = dir.resolve("datasets/ds/col");
        assertThat(mode(col.resolve("tool"))).isEqualTo("755");
        assertThat(mode(col.resolve("data.txt"))).isEqualTo("644");
    }

    static String mode(Path p) throws Exception {
        Process pr = new ProcessBuilder("stat", "-c", "%a", p.toString()).start();
        String m = new String(pr.getInputStream().readAllBytes()).trim();
        assertThat(pr.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return m;
    }

    @Test
    void should_refuse_names_with_newlines_control_characters_or_backslashes() throws Exception {
        GitDatasets d = datasets();
        for (String name : List.of("a\nb.csv", "tab\there.txt", "esc\u001b[31m.txt", "del\u007f.txt", "c1\u0085.txt",
                "win\\dows.txt", "sub/line\rfeed/x.txt", "bidi\u202etxt.exe")) {
            Path out = out();
            write(out, name, "time,x\n1,2\n");
            refused(d, out, "output", "name");
        }
    }

    @Test
    void should_refuse_a_name_that_is_not_utf_8() throws Exception {
        Path out = out();
        // two different byte names that read back as the same replacement character
        for (byte b : new byte[] {(byte) 0xff, (byte) 0xfe}) {
            Process p = new ProcessBuilder("sh", "-c", "printf 'time,x\\n1,2\\n' > \"$(printf '" + out + "/\\" 
                    + Integer.toOctalString(b & 0xff) + ".csv')\"").start();
            assertThat(p.waitFor()).isZero();
        }
        try (var s = Files.list(out)) {
            assertThat(s.count()).isEqualTo(2);
        }
        refused(datasets(), out, "not valid UTF-8");
    }

    @Test
    void should_refuse_names_that_collide_after_case_folding_or_unicode_normalisation() throws Exception {
        GitDatasets d = datasets();
        Path caseOut = out();
        write(caseOut, "Data.csv", "time,x\n1,2\n");
        write(caseOut, "data.csv", "time,x\n1,3\n");
        refused(d, caseOut, "Data.csv", "data.csv", "differ only");

        Path nfOut = out();
        write(nfOut, "caf\u00e9.txt", "composed");
        write(nfOut, "cafe\u0301.txt", "decomposed");
        refused(d, nfOut, "differ only");

        // against what the dataset already holds: a later run may not add a case twin
        Path first = out();
        write(first, "sub/Table.csv", "time,x\n1,2\n");
        d.ingest(request(first, "r1"));
        Path twin = out();
        write(twin, "SUB/table.csv", "time,x\n2,3\n");
        refused(d, twin, "differ only");
    }

    @Test
    void should_refuse_names_git_reads_as_its_own_on_windows_or_macos() throws Exception {
        GitDatasets d = datasets();
        for (String name : List.of(".git /config", "sub/.git./HEAD", "GIT~1/config", "x/.gitmodules ", "git~2/x",
                ".g\u200cit/config", ".gitattributes\ufeff", "gitmod~1")) {
            Path out = out();
            write(out, name, "[core]\n\tfsmonitor = touch /tmp/pwned\n");
            refused(d, out, "reserved name");
        }
    }

    @Test
    void should_refuse_an_embedded_bare_repository_even_when_built_over_two_runs() throws Exception {
        GitDatasets d = datasets();
        Path out = out();
        write(out, "nested/HEAD", "ref: refs/heads/main\n");
        write(out, "nested/config", "[core]\n\tfsmonitor = touch /tmp/pwned\n");
        Files.createDirectories(out.resolve("nested/objects"));
        write(out, "nested/objects/keep", "");
        write(out, "nested/refs/keep", "");
        refused(d, out, "nested", "git repository");

        Path one = out();
        write(one, "n2/HEAD", "ref: refs/heads/main\n");
        write(one, "n2/objects/keep", "");
        d.ingest(request(one, "r1"));
        Path two = out();
        write(two, "n2/Refs/keep", "");
        refused(d, two, "n2", "git repository");
    }

    @Test
    void should_refuse_a_fifo_without_blocking() throws Exception {
        Path out = out();
        write(out, "ok.txt", "x");
        assertThat(new ProcessBuilder("mkfifo", out.resolve("pipe.csv").toString()).start().waitFor()).isZero();
        CompletableFuture<Throwable> f = CompletableFuture.supplyAsync(() -> {
            try {
                datasets().ingest(request(out, "r1"));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(f.get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(IngestException.class).hasMessageContaining("not a regular file");
    }

    @Test
    void should_refuse_a_csv_with_nul_bytes_or_invalid_utf_8() throws Exception {
        GitDatasets d = datasets();
        Path nul = out();
        write(nul, "t.csv", "time,x\u0000y\n1,2\n");
        refused(d, nul, "t.csv", "NUL");
        Path bad = out();
        Files.write(bad.resolve("t.csv"), new byte[] {'t', ',', 'x', '\n', '1', ',', (byte) 0xc3, '\n'});
        refused(d, bad, "t.csv", "UTF-8");
    }

    @Test
    void should_hand_the_detector_only_the_last_rows_of_a_huge_csv_and_still_commit_them_all() throws Exception {
        // a 100m output of tiny rows held as one String per row took gigabytes of heap and killed the daemon
        int n = RowTail.MAX_ROWS + 5000;
        StringBuilder b = new StringBuilder("time,x\n");
        for (int i = 0; i < n; i++) {
            b.append(i).append(",1\n");
        }
        GitDatasets d = datasets();
        Path first = out();
        write(first, "t.csv", b.toString());
        var tables = d.ingest(request(first, "r1")).tables();
        assertThat(tables.get(0).rows()).hasSize(RowTail.MAX_ROWS).endsWith((n - 1) + ",1");
        // a crashed run's recovery reads the commit back and must hand over the same rows
        Path repo = dir.resolve("datasets/ds");
        assertThat(d.tablesOf("ds", "col", GitCli.run(repo, "rev-parse", "HEAD")).get(0).rows())
                .isEqualTo(tables.get(0).rows());
        Path second = out();
        write(second, "t.csv", "time,x\n" + n + ",2\n\n" + (n + 1) + ",3");
        assertThat(d.ingest(request(second, "r2")).tables().get(0).rows()).containsExactly(n + ",2", (n + 1) + ",3");
        Path file = dir.resolve("datasets/ds/col/t.csv");
        try (var lines = Files.lines(file)) {
            assertThat(lines.count()).isEqualTo(n + 3);
        }
        assertThat(Files.readString(file)).endsWith((n - 1) + ",1\n" + n + ",2\n" + (n + 1) + ",3\n");
        assertThat(GitCli.run(dir.resolve("datasets/ds"), "status", "--porcelain")).isEmpty();
    }

    @Test
    void should_bound_the_characters_a_run_hands_the_detector_over_all_its_tables_and_still_commit_every_row()
            throws Exception {
        // 450 rows of almost 1 Mi characters were under the row bound and ran a 512 MB heap out, in the run
        // and again in the recovery at every start; a run's tables now share a budget of characters
        String pad = "a".repeat(999_000);
        StringBuilder csv = new StringBuilder("time,x,pad\n");
        StringBuilder jsonl = new StringBuilder();
        int rows = 20;
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(",1,").append(pad).append('\n');
            jsonl.append("{\"time\":").append(i).append(",\"pad\":\"").append(pad).append("\"}\n");
        }
        GitDatasets d = datasets();
        Path first = out();
        write(first, "a.csv", csv.toString());
        write(first, "b.jsonl", jsonl.toString());
        var tables = d.ingest(request(first, "r1")).tables();
        long handed = tables.stream().flatMap(t -> t.rows().stream()).mapToLong(String::length).sum();
        assertThat(handed).isPositive().isLessThanOrEqualTo(RowTail.MAX_RUN_CHARS);
        assertThat(tables.get(0).rows()).isNotEmpty().last().asString().startsWith((rows - 1) + ",1,"); // the newest
        assertThat(tables.get(0).rows().size() + tables.get(1).rows().size()).isLessThan(2 * rows);
        Path repo = dir.resolve("datasets/ds");
        var recovered = d.tablesOf("ds", "col", GitCli.run(repo, "rev-parse", "HEAD"));
        assertThat(recovered.stream().flatMap(t -> t.rows().stream()).mapToLong(String::length).sum())
                .isLessThanOrEqualTo(RowTail.MAX_RUN_CHARS);
        try (var lines = Files.lines(repo.resolve("col/a.csv"))) {
            assertThat(lines.count()).isEqualTo(rows + 1);
        }
        try (var lines = Files.lines(repo.resolve("col/b.jsonl"))) {
            assertThat(lines.count()).isEqualTo(rows);
        }
    }

    @Test
    void should_report_only_the_new_rows_of_a_replaced_csv_that_grew_past_the_row_bound() throws Exception {
        int n = RowTail.MAX_ROWS + 10;
        StringBuilder b = new StringBuilder("time,x\n");
        for (int i = 0; i < n; i++) {
            b.append(i).append(",1\n");
        }
        GitDatasets d = datasets();
        Path first = out();
        write(first, "t.csv", b.toString());
        d.ingest(new IngestRequest("ds", "col", first, OutputMode.REPLACE, "r1", 1, "img:1", "sha256:" + "a".repeat(64)));
        Path second = out();
        write(second, "t.csv", b.toString() + n + ",9\n");
        var rows = d.ingest(new IngestRequest("ds", "col", second, OutputMode.REPLACE, "r2", 1, "img:1",
                "sha256:" + "a".repeat(64))).tables().get(0).rows();
        assertThat(rows).containsExactly(n + ",9");
    }

    @Test
    void should_refuse_an_output_path_too_long_for_the_dataset_and_leave_it_clean() throws Exception {
        // readable in /output, but the dataset's folder is longer: the write fails half-way
        Path out = out();
        String deep = "f";
        write(out, "x/".repeat(OutputNames.MAX_DEPTH) + "f", "too deep");
        refused(datasets(), out, "deep");
        FileTrees.delete(out.resolve("x"));
        StringBuilder rel = new StringBuilder();
        int room = 4080 - out.toAbsolutePath().toString().length();
        while (rel.length() + 201 < room) {
            rel.append("d".repeat(200)).append('/');
        }
        rel.append("e".repeat(room - rel.length() - 1)).append('/');
        write(out, "a.txt", "first");
        write(out, rel + deep, "deep");
        String col = "c".repeat(64);
        String ds = "d".repeat(64);
        GitDatasets d = datasets();
        IngestRequest req = new IngestRequest(ds, col, out, OutputMode.APPEND, "r1", 1, "img:1", "sha256:" + "a".repeat(64));
        assertThatThrownBy(() -> d.ingest(req)).isInstanceOf(IngestException.class)
                .hasMessageContainingAll("at most 1024 bytes", "nothing was committed")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
        // refused while planning, before the dataset's repository is even made
        assertThat(dir.resolve("datasets/" + ds)).doesNotExist();
    }
}

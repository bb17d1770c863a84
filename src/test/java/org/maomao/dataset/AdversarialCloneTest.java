package org.maomao.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remotes whose trees hold what git on Linux checks out without a word but that is a
 * git folder elsewhere or to whoever types git inside the dataset: NTFS and HFS+
 * spellings of .git, and an embedded bare repository. Trees are built with git mktree,
 * as a hostile remote would, since git add refuses these names.
 */
class AdversarialCloneTest {
    @TempDir
    Path dir;

    /** A repository whose only commit holds {@code folder/config} (and, when given, the other entries). */
    Path remote(String folder, String... extraEntries) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src-" + System.nanoTime()));
        StringBuilder inner = new StringBuilder("printf '100644 blob %s\\tconfig\\n' $blob");
        for (String e : extraEntries) {
            inner.append("; printf '040000 tree %s\\t").append(e).append("\\n' $sub");
        }
        String script = "set -e; git init -q -b main .; blob=$(printf '[core]\\n\\tfsmonitor = touch /tmp/pwned\\n' "
                + "| git hash-object -w --stdin); sub=$(printf '100644 blob %s\\tkeep\\n' $blob | git mktree); "
                + "inner=$( (" + inner + ") | git mktree); top=$(printf '040000 tree %s\\t%s\\n' $inner \"$NAME\" "
                + "| git mktree); c=$(git -c user.name=a -c user.email=a@b commit-tree $top -m x); "
                + "git update-ref refs/heads/main $c";
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).directory(src.toFile()).redirectErrorStream(true);
        pb.environment().put("NAME", folder);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        return src;
    }

    GitDatasets datasets() throws IOException {
        GitDatasets d = new GitDatasets(dir.resolve("datasets"), "maomao", "maomao@localhost", false);
        d.setRemotes(new RemoteUrls(List.of("file://" + dir.toRealPath() + "/*"), dir.resolve("datasets")));
        return d;
    }

    @Test
    void should_refuse_a_clone_holding_another_spelling_of_git() throws Exception {
        GitDatasets d = datasets();
        int i = 0;
        for (String name : List.of(".git ", "git~1", ".g\u200cit", ".GIT.", "sub")) {
            Path src = name.equals("sub") ? remote("sub", ".Git") : remote(name);
            String ds = "d" + i++;
            assertThatThrownBy(() -> d.create(ds, "file://" + src), name).isInstanceOf(IOException.class);
            assertThat(dir.resolve("datasets/" + ds)).as(name).doesNotExist();
        }
    }

    /**
     * A remote small on the wire and huge once checked out (zeros compress a thousandfold) is measured
     * before the checkout, from the object headers: over the bound, nothing is written. Shown here with
     * bounds of a few MB (the real ones are 2 GiB and a million files, too big to build in a test).
     */
    @Test
    void should_measure_a_clone_s_checkout_before_writing_it_and_refuse_one_past_the_bounds() throws Exception {
        Path src = Files.createDirectories(dir.resolve("bomb"));
        Process p = new ProcessBuilder("sh", "-c", "set -e; git init -q -b main .; for i in 1 2 3; do "
                + "head -c 1048576 /dev/zero > z$i.bin; done; git add .; "
                + "git -c user.name=a -c user.email=a@b commit -q -m bomb; rm z*.bin")
                .directory(src.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
        try (var repo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder().setGitDir(src.resolve(".git").toFile()).build()) {
            var tree = repo.resolve("HEAD^{tree}");
            assertThat(CheckoutSize.problem(repo, tree, 4L << 20, 10)).isNull();
            assertThat(CheckoutSize.problem(repo, tree, 2L << 20, 10)).contains("bytes a clone may check out");
            assertThat(CheckoutSize.problem(repo, tree, 4L << 20, 2)).contains("files are more than the 2");
            assertThat(CheckoutSize.problem(repo, tree)).isNull(); // the real bounds
        }
        // the whole clone of that remote still works with the real bounds
        GitDatasets d = datasets();
        d.create("fine", "file://" + src);
        assertThat(dir.resolve("datasets/fine/z3.bin")).hasSize(1048576);
    }

    @Test
    void should_refuse_a_clone_holding_an_embedded_bare_repository() throws Exception {
        Path src = remote("nested", "objects", "refs");
        Files.writeString(dir.resolve("unused"), "");
        GitDatasets d = datasets();
        // the folder also needs HEAD: add it as a file next to config
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "set -e; t=$(git rev-parse main^{tree}); "
                + "n=$(git rev-parse main:nested); h=$(printf 'ref: refs/heads/main\\n' | git hash-object -w --stdin); "
                + "n2=$( (git ls-tree $n; printf '100644 blob %s\\tHEAD\\n' $h) | git mktree); "
                + "t2=$(printf '040000 tree %s\\tnested\\n' $n2 | git mktree); "
                + "c=$(git -c user.name=a -c user.email=a@b commit-tree $t2 -m y); git update-ref refs/heads/main $c")
                .directory(src.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();

        assertThatThrownBy(() -> d.create("bare", "file://" + src)).isInstanceOf(GitDatasets.RefusedDatasetException.class)
                .hasMessageContainingAll("nested", "git repository");
        assertThat(dir.resolve("datasets/bare")).doesNotExist();
    }
}

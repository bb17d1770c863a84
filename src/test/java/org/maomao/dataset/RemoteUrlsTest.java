package org.maomao.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.config.DaemonConfig;
import org.maomao.config.Settings;
import org.maomao.testing.GitCli;

/** [git] allowed_remotes: which remotes a dataset may come from, and that no secret in a URL is repeated. */
class RemoteUrlsTest {
    @TempDir
    Path dir;
    Path real;
    Path data;

    @BeforeEach
    void paths() throws Exception {
        real = dir.toRealPath();
        data = Files.createDirectories(real.resolve("data/datasets/other/.git")).getParent().getParent().getParent();
        Files.createDirectories(real.resolve("srv/git/repo.git"));
    }

    RemoteUrls defaults() {
        return new RemoteUrls(RemoteUrls.DEFAULT_ALLOWED, data);
    }

    RemoteUrls listing(String... globs) {
        return new RemoteUrls(List.of(globs), data);
    }

    @Test
    void should_allow_https_ssh_and_scp_style_by_default_and_refuse_file_and_other_schemes() {
        RemoteUrls r = defaults();
        assertThat(r.check("https://github.com/org/repo.git").normalised()).isEqualTo("https://github.com/org/repo.git");
        assertThat(r.check("ssh://git@Example.org:2222/srv/repo.git").normalised()).isEqualTo("ssh://example.org:2222/srv/repo.git");
        assertThat(r.check("git@github.com:org/repo.git").normalised()).isEqualTo("ssh://github.com/org/repo.git");
        assertThatThrownBy(() -> r.check("file://" + real.resolve("srv/git/repo.git")))
                .isInstanceOf(RemoteUrls.RemoteNotAllowedException.class).hasMessageContaining("[git] allowed_remotes");
        for (String bad : new String[] {"http://example.org/x", "ftp://example.org/x", "/tmp/repo", "ext::sh -c id",
                "https://example.org/a b", "https://exa\\mple.org/x", "https:///x", "file://host/tmp/x", "-uhttps://x/y"}) {
            assertThatThrownBy(() -> r.check(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .isNotInstanceOf(RemoteUrls.RemoteNotAllowedException.class).hasMessageContaining("not a git remote");
        }
    }

    @Test
    void should_refuse_a_listed_local_repository_that_reads_its_objects_from_another() throws Exception {
        // git init'ed repositories in the allowed folder, each borrowing another repository's objects
        RemoteUrls r = listing("file://" + real.resolve("srv/git") + "/*");
        Path secret = Files.createDirectories(real.resolve("home/victim/.git/objects"));
        GitCli.run(real.resolve("srv/git"), "init", "-q", "--bare", "plain.git");
        assertThat(r.check("file://" + real.resolve("srv/git/plain.git")).cloneUrl()).endsWith("plain.git");
        GitCli.run(real.resolve("srv/git"), "init", "-q", "--bare", "alt.git");
        Files.writeString(real.resolve("srv/git/alt.git/objects/info/alternates"), secret + "\n");
        GitCli.run(real.resolve("srv/git"), "init", "-q", "--bare", "http.git");
        Files.writeString(real.resolve("srv/git/http.git/objects/info/http-alternates"), "http://x/objects\n");
        GitCli.run(real.resolve("srv/git"), "init", "-q", "work");
        Files.writeString(real.resolve("srv/git/work/.git/objects/info/alternates"), secret + "\n");
        Files.createDirectories(real.resolve("srv/git/gitfile"));
        Files.writeString(real.resolve("srv/git/gitfile/.git"), "gitdir: " + secret.getParent() + "\n");
        GitCli.run(real.resolve("srv/git"), "init", "-q", "--bare", "linked.git");
        Path objects = real.resolve("srv/git/linked.git/objects");
        try (var walk = Files.walk(objects)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.createSymbolicLink(objects, secret);
        for (String name : List.of("alt.git", "http.git", "work", "gitfile", "linked.git")) {
            assertThatThrownBy(() -> r.check("file://" + real.resolve("srv/git/" + name))).as(name)
                    .isInstanceOf(RemoteUrls.RemoteNotAllowedException.class)
                    .hasMessageContaining("reads its objects from another repository");
        }
    }

    @Test
    void should_allow_a_listed_file_path_by_its_real_path_and_never_one_inside_data_dir() throws Exception {
        RemoteUrls r = listing("https://*", "file://" + real.resolve("srv/git") + "/*");
        assertThat(r.check("file://" + real.resolve("srv/git/repo.git")).cloneUrl())
                .isEqualTo("file://" + real.resolve("srv/git/repo.git"));
        assertThatThrownBy(() -> r.check("file://" + real.resolve("srv/other.git")))
                .isInstanceOf(RemoteUrls.RemoteNotAllowedException.class);

        // a link inside the listed folder that points into data_dir is judged by where it really leads
        Files.createSymbolicLink(real.resolve("srv/git/sneaky.git"), data.resolve("datasets/other"));
        assertThatThrownBy(() -> r.check("file://" + real.resolve("srv/git/sneaky.git")))
                .isInstanceOf(RemoteUrls.RemoteNotAllowedException.class).hasMessageContaining("data_dir");

        // even an operator who allows every path cannot open data_dir to clients
        RemoteUrls all = listing("file:///*");
        assertThatThrownBy(() -> all.check("file://" + data.resolve("datasets/other")))
                .isInstanceOf(RemoteUrls.RemoteNotAllowedException.class).hasMessageContaining("data_dir");
        assertThatThrownBy(() -> all.check("file://" + data.resolve("keys")))
                .isInstanceOf(RemoteUrls.RemoteNotAllowedException.class);
    }

    @Test
    void should_not_let_dot_dot_past_in_any_encoding() {
        RemoteUrls r = listing("file://" + real.resolve("srv/git") + "/*", "https://github.com/org/*");
        String base = "file://" + real.resolve("srv/git");
        for (String sneaky : new String[] {base + "/../../data/datasets/other", base + "/%2e%2e/%2E%2E/data/datasets/other",
                base + "/x%2f..%2f..%2f..%2fdata%2fdatasets%2fother", base + "/%252e%252e/data", base + "/./repo.git",
                "https://github.com/org/%2e%2e/evil/repo.git", "https://github.com/org/../evil/repo.git"}) {
            assertThatThrownBy(() -> r.check(sneaky)).as(sneaky).isInstanceOf(IllegalArgumentException.class);
        }
        // a host that only looks like the allowed one
        assertThatThrownBy(() -> r.check("https://github.com@evil.example/org/repo.git"))
                .isInstanceOf(RemoteUrls.RemoteNotAllowedException.class);
        assertThatThrownBy(() -> r.check("https://github.com.evil.example/org/repo.git"))
                .isInstanceOf(RemoteUrls.RemoteNotAllowedException.class);
    }

    @Test
    void should_never_repeat_credentials_from_a_url() {
        assertThat(RemoteUrls.mask("https://user:s3cret@example.org/x.git")).isEqualTo("https://***@example.org/x.git");
        assertThat(RemoteUrls.mask("https://ghp_tok3n@example.org/x.git")).isEqualTo("https://***@example.org/x.git");
        assertThat(RemoteUrls.mask("ssh://git@example.org/x.git")).isEqualTo("ssh://git@example.org/x.git");
        assertThat(RemoteUrls.mask("ssh://git:s3cret@example.org/x.git")).isEqualTo("ssh://***@example.org/x.git");
        assertThat(RemoteUrls.maskAll("Authentication failed for 'https://u:s3cret@h/x.git'")).doesNotContain("s3cret");
        RemoteUrls r = listing("https://github.com/*");
        assertThatThrownBy(() -> r.check("https://u:s3cret@gitlab.com/x.git")).satisfies(e ->
                assertThat(e.getMessage()).doesNotContain("s3cret").contains("***@gitlab.com"));
        assertThatThrownBy(() -> r.check("https://u:s3cret@gitlab.com/a b")).satisfies(e ->
                assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThat(r.check("https://u:s3cret@github.com/x.git").cloneUrl()).isEqualTo("https://u:s3cret@github.com/x.git");
    }

    @Test
    void should_read_allowed_remotes_from_the_git_section_with_a_safe_default() {
        assertThat(DaemonConfig.from(Settings.fromLayers(List.of(), Map.of())).allowedRemotes())
                .containsExactly("https://*", "ssh://*");
        assertThat(DaemonConfig.from(Settings.fromLayers(List.of(), Map.of("MAOMAO_GIT_ALLOWED_REMOTES",
                "https://github.com/org/* , file:///srv/git/*"))).allowedRemotes())
                .containsExactly("https://github.com/org/*", "file:///srv/git/*");
        assertThatThrownBy(() -> DaemonConfig.from(Settings.fromLayers(List.of(), Map.of("MAOMAO_GIT_ALLOWED_REMOTES", "*"))))
                .hasMessageContaining("[git] allowed_remotes").hasMessageContaining("file:///");
    }
}

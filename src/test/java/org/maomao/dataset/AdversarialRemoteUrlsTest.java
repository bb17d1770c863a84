package org.maomao.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remotes built to slip past an allowed_remotes glob, or to reach git in a form it reads differently. */
class AdversarialRemoteUrlsTest {
    @TempDir
    Path dir;

    RemoteUrls listing(String... globs) {
        return new RemoteUrls(List.of(globs), dir.resolve("data"));
    }

    @Test
    void should_not_let_a_star_in_the_host_of_a_glob_reach_into_the_path() {
        RemoteUrls r = listing("https://*.example.com/*", "ssh://git?.example.org/*");
        for (String url : List.of("https://evil.com/x.example.com/repo.git", "https://evil.com/a/.example.com/r",
                "ssh://evil.com/gitx.example.org/r", "git@evil.com:a.example.com/r.git")) {
            assertThatThrownBy(() -> r.check(url), url).isInstanceOf(RemoteUrls.RemoteNotAllowedException.class);
        }
        assertThat(r.check("https://git.example.com/team/repo.git").normalised())
                .isEqualTo("https://git.example.com/team/repo.git");
        assertThat(r.check("ssh://git1.example.org/r").normalised()).isEqualTo("ssh://git1.example.org/r");
        // the default "any https remote" still means any
        assertThat(listing("https://*").check("https://a.b/c/d.git").normalised()).isEqualTo("https://a.b/c/d.git");
    }

    @Test
    void should_match_the_host_git_connects_to_whatever_the_userinfo_says() {
        RemoteUrls r = listing("https://github.com/*");
        for (String url : List.of("https://github.com@evil.com/x.git", "https://github.com:443@evil.com/x.git",
                "https://github.com%2F@evil.com/x", "https://github.com?@evil.com/x", "https://github.com#@evil.com/x",
                "https://u@github.com@evil.com/x", "https://evil.com\\@github.com/x", "https://github.com.evil.com/x",
                "ext::sh -c touch% /tmp/pwned", "fd::17", "--upload-pack=touch /tmp/x", "file:/etc", "https:github.com/x")) {
            assertThatThrownBy(() -> r.check(url), url).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(r.check("https://token@github.com/org/x.git").cloneUrl()).isEqualTo("https://token@github.com/org/x.git");
    }

    @Test
    void should_refuse_a_remote_whose_host_user_or_path_reads_as_an_option() {
        // harmless to JGit's own ssh, but an ssh command line (GIT_SSH) would take them for options
        RemoteUrls r = listing("ssh://*", "https://*");
        for (String url : List.of("git@-oProxyCommand:repo.git", "-oProxyCommand@host:repo.git", "git@host:-repo.git",
                "ssh://-oProxyCommand=x@host/r", "ssh://host/-r")) {
            assertThatThrownBy(() -> r.check(url), url).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(r.check("git@github.com:org/repo.git").normalised()).isEqualTo("ssh://github.com/org/repo.git");
    }
}

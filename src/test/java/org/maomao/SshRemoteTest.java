package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.GitCli;
import org.maomao.testing.SshServer;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/** The daemon's ssh key against a real sshd serving a bare repository. */
class SshRemoteTest {
    static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    TestDaemon daemon;
    SshServer sshd;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void should_clone_and_push_over_ssh_with_its_key_and_fail_clearly_without_it() throws Exception {
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        String pub = daemon.get("/keys/ssh").body().trim();
        assertThat(pub).startsWith("ssh-ed25519 ");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/keys/id_ed25519"))))
                .isEqualTo("rw-------");

        Path bare = dir.resolve("remote.git");
        GitCli.run(dir, "init", "-q", "--bare", "-b", "main", bare.toString());
        sshd = SshServer.start(Files.createDirectories(dir.resolve("sshd")), pub);
        String url = "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port() + bare;

        TestDaemon.Response created = daemon.post("/datasets", "{\"name\":\"viassh\",\"url\":\"" + url + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String rows = TestImages.collector("maomao-test/rows:ssh", "printf 't,v\\n%s,1\\n' \"$MAOMAO_RUN_ID\" > /output/r.csv\n");
        daemon.register("rows", rows, "");
        String first = daemon.runNow("rows", "viassh");
        assertThat(daemon.awaitEnd(first, WAIT).get("state").asText()).isEqualTo("succeeded");
        assertThat(GitCli.run(bare, "log", "--format=%(trailers:key=Run-Id,valueonly)")).contains(first);

        sshd.authorize("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGqLl6yHn0hM0sMO9JRsJbYVmPl+2vBPCyTr0HnRQyH5 someone@else");
        String second = daemon.runNow("rows", "viassh");
        assertThat(daemon.awaitEnd(second, WAIT).get("state").asText()).isEqualTo("succeeded");
        JsonNode ds = daemon.get("/datasets/viassh").json();
        assertThat(ds.get("ahead_by").asInt()).isEqualTo(1); // kept locally, pushed when the key is accepted again
        TestDaemon.Response refused = daemon.post("/datasets", "{\"name\":\"other\",\"url\":\"" + url + "\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("message").asText()).contains("cannot clone", "GET /keys/ssh");
        assertThat(Files.exists(dir.resolve("data/datasets/other"))).isFalse();
    }
}

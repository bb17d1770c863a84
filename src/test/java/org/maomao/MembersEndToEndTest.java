package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.config.ClusterConfig;
import org.maomao.testing.CliRun;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;

/** A daemon outside cluster mode lists itself alone, with its runs in flight, and says so. */
class MembersEndToEndTest {
    @TempDir
    Path dir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void a_single_daemon_is_its_only_member_in_the_api_the_cli_and_the_status_page() {
        Instant before = Instant.now();
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.max_concurrent_runs", "3"));
        String base = daemon.url("");
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));

        TestDaemon.Response r = daemon.get("/members");
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("cluster").asBoolean()).isFalse();
        assertThat(body.get("message").asText()).isEqualTo("cluster mode is off ([cluster] enabled = false): this daemon runs alone.");
        String id = ClusterConfig.hostname() + ":" + port;
        assertThat(body.get("self").asText()).isEqualTo(id);
        assertThat(body.get("members")).hasSize(1);
        JsonNode me = body.get("members").get(0);
        assertThat(me.get("id").asText()).isEqualTo(id);
        assertThat(me.get("url").asText()).isEqualTo(base);
        assertThat(me.get("version").asText()).isEqualTo(MaomaoDaemon.version());
        assertThat(me.get("capacity").asInt()).isEqualTo(3);
        assertThat(me.get("in_flight").asInt()).isZero();
        assertThat(Instant.parse(me.get("started_at").asText())).isBetween(before, Instant.now());

        CliRun cli = CliRun.of(base, "members");
        assertThat(cli.code()).as(cli.err()).isZero();
        List<String> lines = cli.out().lines().toList();
        assertThat(lines.get(0)).containsSubsequence("ID", "URL", "VERSION", "CAPACITY", "IN_FLIGHT", "STARTED");
        assertThat(lines.get(1)).containsSubsequence(id + " *", base, MaomaoDaemon.version(), "3", "0");
        assertThat(lines.get(2)).isEqualTo("cluster mode is off ([cluster] enabled = false): this daemon runs alone.");

        // the value follows the runs in flight (the same count a cluster member puts into etcd)
        String sleeper = TestImages.collector("maomao-test/members-sleeper:1", "echo started\nsleep 120\n");
        daemon.register("sleeper", sleeper, "");
        String run = daemon.runNow("sleeper", "none");
        Poll.until(Duration.ofSeconds(60), "the run to be in flight",
                () -> daemon.get("/members").json().get("members").get(0).get("in_flight").asInt() == 1);
        assertThat(daemon.post("/runs/" + run + "/cancel", "").status()).isLessThan(300);
        Poll.until(Duration.ofSeconds(60), "no run in flight",
                () -> daemon.get("/members").json().get("members").get(0).get("in_flight").asInt() == 0);

        String page = daemon.get("/").body();
        assertThat(page).contains("<h2>Members</h2>", "<table id=\"members\">", "cluster mode is off",
                "<td>" + id + " (this one)</td><td><a href=\"" + base + "\">" + base + "</a></td>");
    }
}

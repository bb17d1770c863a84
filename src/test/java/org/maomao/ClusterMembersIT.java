package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.CliRun;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.JarMembers;
import org.maomao.testing.PostgresServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two daemons of the shaded jar in cluster mode, sharing one real PostgreSQL and one real etcd:
 * each lists both (GET /members, `maomao members`, the status page); one killed with SIGKILL is
 * gone from the other's list within the lease TTL; one stopped with SIGTERM is gone at once.
 */
class ClusterMembersIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration TTL = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    EtcdServer etcd;
    JarMembers members;

    @AfterEach
    void stop() throws Exception {
        if (members != null) {
            members.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    static HttpResponse<String> get(int port, String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static List<String> ids(int port) throws IOException {
        List<String> out = new ArrayList<>();
        JSON.readTree(get(port, "/members").body()).get("members").forEach(m -> out.add(m.get("id").asText()));
        return out;
    }

    @Test
    void members_of_the_jar_see_each_other_and_a_killed_or_stopped_one_disappears() throws Exception {
        etcd = EtcdServer.start(dir);
        String store = PostgresServer.shared().newDatabase();
        members = new JarMembers(dir, etcd, store).set("cluster.lease_ttl", TTL.toSeconds() + "s");
        members.startAll("m1", "m2", "m3");
        int p1 = members.port("m1");
        int p2 = members.port("m2");
        int p3 = members.port("m3");
        Process m2 = members.get("m2").process();
        Process m3 = members.get("m3").process();

        JsonNode body = JSON.readTree(get(p1, "/members").body());
        assertThat(body.get("cluster").asBoolean()).isTrue();
        assertThat(body.get("self").asText()).isEqualTo("m1");
        assertThat(ids(p1)).containsExactly("m1", "m2", "m3");
        assertThat(ids(p3)).containsExactly("m1", "m2", "m3");
        assertThat(JSON.readTree(get(p1, "/health").body()).get("components").get("cluster").asText()).isEqualTo("up");
        JsonNode second = body.get("members").get(1);
        assertThat(second.get("url").asText()).isEqualTo("http://127.0.0.1:" + p2);
        assertThat(second.get("version").asText()).isEqualTo(body.get("members").get(0).get("version").asText())
                .isNotEqualTo("dev");
        assertThat(second.get("capacity").asInt()).isEqualTo(4);

        // Quartz runs clustered as each member, checking in at checkin_interval
        List<String> quartz = new ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(store, PostgresServer.shared().user(), "");
             java.sql.ResultSet r = c.createStatement().executeQuery(
                     "SELECT INSTANCE_NAME, CHECKIN_INTERVAL FROM QRTZ_SCHEDULER_STATE ORDER BY INSTANCE_NAME")) {
            while (r.next()) {
                quartz.add(r.getString(1) + " " + r.getLong(2));
            }
        }
        assertThat(quartz).containsExactly("m1 2000", "m2 2000", "m3 2000");

        CliRun cli = CliRun.of("http://127.0.0.1:" + p2, "members");
        assertThat(cli.code()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("m2 *", "http://127.0.0.1:" + p1, "http://127.0.0.1:" + p3);
        assertThat(get(p1, "/").body()).contains("<table id=\"members\">", "<td>m1 (this one)</td>", "<td>m2</td>",
                "<td>m3</td>");

        // SIGKILL: nothing revokes m2's lease; it runs out
        m2.destroyForcibly();
        assertThat(m2.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant killed = Instant.now();
        await("m2 to disappear").atMost(TTL.plusSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> !ids(p1).contains("m2"));
        assertThat(Duration.between(killed, Instant.now())).isLessThanOrEqualTo(TTL.plusSeconds(3));
        assertThat(ids(p3)).containsExactly("m1", "m3");

        // SIGTERM: the member leaves as it stops, once its runs are done
        m3.destroy();
        assertThat(m3.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ids(p1)).containsExactly("m1");
        assertThat(Files.readString(dir.resolve("m3/out.log"))).contains("member m3 left the cluster");
    }
}

package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.cluster.EtcdMembership;
import org.maomao.cluster.Member;
import org.maomao.config.HttpLimits;
import org.maomao.testing.CliRun;
import org.maomao.testing.EtcdServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** GET /members and `maomao members` over two real members in a real etcd; 503 with a sentence when etcd is down. */
class MembersApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    EtcdServer etcd;
    ApiServer api;
    final List<EtcdMembership> joined = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        joined.forEach(EtcdMembership::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    EtcdMembership join(String id, int capacity) {
        Instant started = Instant.now();
        EtcdMembership m = EtcdMembership.join(List.of(etcd.endpoint()), "/maomao", Duration.ofSeconds(3),
                () -> new Member(id, "http://" + id + ".example.org:8080", "1.2.3", capacity, 0, started));
        joined.add(m);
        return m;
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void members_are_listed_by_the_api_and_the_cli_and_a_stopped_one_is_gone() throws Exception {
        etcd = EtcdServer.start(dir);
        EtcdMembership a = join("node-a", 4);
        EtcdMembership b = join("node-b", 8);
        api = new ApiServer(new ApiServer.Parts(null, null, null, null, null, null, null, Map.of(), Map::of,
                () -> "", () -> "", List::of, a), null, HttpLimits.defaults());
        int port = api.start("127.0.0.1", 0);

        HttpResponse<String> r = get(port, "/members");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("cluster").asBoolean()).isTrue();
        assertThat(body.get("self").asText()).isEqualTo("node-a");
        assertThat(body.has("message")).isFalse();
        assertThat(body.get("members")).hasSize(2);
        JsonNode nb = body.get("members").get(1);
        assertThat(nb.get("id").asText()).isEqualTo("node-b");
        assertThat(nb.get("url").asText()).isEqualTo("http://node-b.example.org:8080");
        assertThat(nb.get("version").asText()).isEqualTo("1.2.3");
        assertThat(nb.get("capacity").asInt()).isEqualTo(8);
        assertThat(nb.get("in_flight").asInt()).isZero();
        assertThat(Instant.parse(nb.get("started_at").asText())).isBefore(Instant.now());

        CliRun cli = CliRun.of("http://127.0.0.1:" + port, "members");
        assertThat(cli.code()).as(cli.err()).isZero();
        List<String> lines = cli.out().lines().toList();
        assertThat(lines.get(0)).containsSubsequence("ID", "URL", "VERSION", "CAPACITY", "IN_FLIGHT", "STARTED");
        assertThat(lines.get(1)).containsSubsequence("node-a *", "http://node-a.example.org:8080", "1.2.3", "4", "0");
        assertThat(lines.get(2)).containsSubsequence("node-b", "http://node-b.example.org:8080", "1.2.3", "8", "0");
        assertThat(lines).hasSize(3);
        CliRun json = CliRun.of("http://127.0.0.1:" + port, "members", "--json");
        assertThat(JSON.readTree(json.out()).get("members")).hasSize(2);

        b.close();
        joined.remove(b);
        body = JSON.readTree(get(port, "/members").body());
        assertThat(body.get("members")).hasSize(1);
        assertThat(body.get("members").get(0).get("id").asText()).isEqualTo("node-a");

        // etcd down: a 503 with a sentence, and the CLI says so (exit 1)
        etcd.close();
        etcd = null;
        r = get(port, "/members");
        assertThat(r.statusCode()).isEqualTo(503);
        body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).isEqualTo("unavailable");
        assertThat(body.get("message").asText()).contains("cannot list the members in etcd",
                "check [etcd] endpoints and that etcd is up");
        cli = CliRun.of("http://127.0.0.1:" + port, "members");
        assertThat(cli.code()).isEqualTo(1);
        assertThat(cli.err()).contains("cannot list the members in etcd");
    }
}

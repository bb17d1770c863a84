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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.CliRun;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.GitCli;
import org.maomao.testing.JarMembers;
import org.maomao.testing.PostgresServer;
import org.maomao.testing.TestImages;
import org.maomao.testing.Watcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two daemons of the shaded jar in cluster mode on one PostgreSQL and one etcd: datasets,
 * collectors and spike settings registered through one are seen and used by the other; a
 * dataset without a remote is refused; each member's collectors_dir adds to the shared registry,
 * and a reload never removes a collector another member still declares.
 */
class ClusterRegistryIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    EtcdServer etcd;
    JarMembers members;

    @AfterEach
    void stop(org.junit.jupiter.api.TestInfo test) throws Exception {
        if (members != null) {
            members.keepLogs("ClusterRegistryIT", test.getTestMethod().orElseThrow().getName());
            members.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    /** A member reading its own collectors_dir, allowed to clone the test's remotes. */
    int member(String id, Path collectors) throws IOException {
        return members.start(id, Map.of("daemon.collectors_dir", collectors.toString(),
                "git.allowed_remotes", "file://" + dir.toRealPath() + "/*")).port();
    }

    static HttpResponse<String> send(int port, String method, String path, String body) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (IOException e) {
            if (method.equals("GET") && path.equals("/health")) {
                return null;
            }
            throw e;
        }
    }

    static JsonNode json(int port, String method, String path, String body) throws IOException {
        return JSON.readTree(send(port, method, path, body).body());
    }

    static JsonNode awaitEnd(int port, String run) {
        return await("run " + run + " to end").atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> json(port, "GET", "/runs/" + run, null),
                        r -> List.of("succeeded", "failed", "timed_out", "cancelled").contains(r.get("state").asText()));
    }

    static List<String> names(int port, String path, String field) throws IOException {
        List<String> out = new ArrayList<>();
        json(port, "GET", path, null).forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    static void declare(Path files, String name, String image) throws IOException {
        Files.createDirectories(files.resolve(name));
        Files.writeString(files.resolve(name).resolve("collector.ini"), "image = " + image + "\ndataset = none\n");
    }

    @Test
    void what_one_member_registers_is_seen_and_used_by_the_other() throws Exception {
        String quick = TestImages.collector("maomao-test/quick:cluster-registry",
                "echo \"t,v\n$MAOMAO_RUN_ID,1\" > /output/rows.csv\n");
        String spiky = TestImages.collector("maomao-test/spiky:cluster-registry", """
                i=0
                echo "timestamp,value" > /output/level.csv
                while [ $i -lt 120 ]; do
                  v=$((100 + (i * 7) % 5))
                  if [ $i -eq 100 ]; then v=400; fi
                  printf '2026-01-01T00:%02d:%02d,%s\\n' $((i / 60)) $((i % 60)) $v >> /output/level.csv
                  i=$((i + 1))
                done
                """);
        etcd = EtcdServer.start(Files.createDirectories(dir.resolve("etcd")));
        String store = PostgresServer.shared().newDatabase();
        Path files1 = dir.resolve("files1");
        Path files2 = dir.resolve("files2");
        declare(files1, "alpha", quick);
        declare(files1, "common", quick);
        declare(files2, "beta", quick);
        declare(files2, "common", quick);
        members = new JarMembers(dir, etcd, store);
        int p1 = member("m1", files1);
        int p2 = member("m2", files2);
        // a watcher of m1 sees what both members do (maomao watch, through the members' etcd)
        Watcher watcher = Watcher.open("http://127.0.0.1:" + p1, "runs=true", null);
        assertThat(watcher.status()).isEqualTo(200);
        await("the watch to start").atMost(WAIT).until(() -> watcher.startRevision() != null);

        // a dataset without a remote is refused, through the API and the CLI, saying how to add one
        HttpResponse<String> local = send(p1, "POST", "/datasets", "{\"name\":\"local\"}");
        assertThat(local.statusCode()).isEqualTo(400);
        assertThat(local.body()).contains("has no remote", "maomao datasets add local URL");
        CliRun cli = CliRun.of("http://127.0.0.1:" + p2, "datasets", "add", "local2");
        assertThat(cli.code()).isEqualTo(2);
        assertThat(cli.err()).contains("maomao datasets add local2 URL");
        HttpResponse<String> into = send(p1, "POST", "/register",
                "{\"name\":\"nowhere\",\"url\":\"" + quick + "\",\"dataset\":\"nowhere\"}");
        assertThat(into.statusCode()).isEqualTo(400);
        assertThat(into.body()).contains("dataset_needs_remote", "maomao datasets add nowhere URL");
        assertThat(names(p2, "/collectors", "name")).doesNotContain("nowhere");

        // a dataset added on m1 is listed on m2; a collector registered on m1 runs on m2 into it
        Path remote = Files.createDirectories(dir.resolve("remote.git"));
        GitCli.run(remote, "init", "--bare", "-b", "main");
        assertThat(send(p1, "POST", "/datasets", "{\"name\":\"shared\",\"url\":\"file://" + remote.toRealPath() + "\"}")
                .statusCode()).isEqualTo(201);
        assertThat(names(p2, "/datasets", "name")).contains("shared");
        assertThat(send(p1, "POST", "/register", "{\"name\":\"quick\",\"url\":\"" + quick + "\",\"dataset\":\"shared\"}")
                .statusCode()).isEqualTo(201);
        assertThat(send(p2, "GET", "/collectors/quick", null).statusCode()).isEqualTo(200);
        String onM2 = json(p2, "POST", "/run", "{\"name\":\"quick\",\"cron\":false}").get("id").asText();
        JsonNode done2 = awaitEnd(p2, onM2);
        assertThat(done2.get("state").asText()).as(done2.toString()).isEqualTo("succeeded");
        String onM1 = json(p1, "POST", "/run", "{\"name\":\"quick\",\"cron\":false}").get("id").asText();
        JsonNode done1 = awaitEnd(p1, onM1);
        assertThat(done1.get("state").asText()).as(done1.toString()).isEqualTo("succeeded");
        assertThat(GitCli.run(remote, "rev-list", "--count", "main")).isEqualTo("2");
        assertThat(GitCli.run(remote, "log", "--merges", "--oneline", "main")).isEmpty();
        assertThat(GitCli.run(remote, "log", "--format=%(trailers:key=Run-Id,valueonly)", "main"))
                .contains(onM1, onM2);

        // runs on both members at once: one linear history, one commit each
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add("1:" + json(p1, "POST", "/run", "{\"name\":\"quick\",\"cron\":false}").get("id").asText());
            burst.add("2:" + json(p2, "POST", "/run", "{\"name\":\"quick\",\"cron\":false}").get("id").asText());
        }
        for (String b : burst) {
            JsonNode end = awaitEnd(b.startsWith("1:") ? p1 : p2, b.substring(2));
            assertThat(end.get("state").asText()).as(end.toString()).isEqualTo("succeeded");
        }
        assertThat(GitCli.run(remote, "rev-list", "--count", "main")).isEqualTo("12");
        assertThat(GitCli.run(remote, "log", "--merges", "--oneline", "main")).isEmpty();
        GitCli.run(remote, "fsck", "--strict");
        assertThat(GitCli.lines(remote, "log", "--format=%(trailers:key=Run-Id,valueonly)", "main").stream()
                .filter(l -> !l.isBlank()).toList()).hasSize(12).doesNotHaveDuplicates();

        // spike settings changed on m1 are in force for the next run on m2 (the record rule is off: the second
        // run sends the same rows again, and a spike no larger than one of the last three days is no news)
        Path levels = Files.createDirectories(dir.resolve("levels.git"));
        GitCli.run(levels, "init", "--bare", "-b", "main");
        assertThat(send(p2, "POST", "/datasets", "{\"name\":\"levels\",\"url\":\"file://" + levels.toRealPath() + "\"}")
                .statusCode()).isEqualTo(201);
        assertThat(send(p1, "POST", "/register", "{\"name\":\"spiky\",\"url\":\"" + spiky
                + "\",\"dataset\":\"levels\",\"spike\":{\"method\":\"zscore\",\"lag\":20,\"threshold\":1000,\"record\":0}}").statusCode()).isEqualTo(201);
        JsonNode quiet = awaitEnd(p2, json(p2, "POST", "/run", "{\"name\":\"spiky\",\"cron\":false}").get("id").asText());
        assertThat(quiet.get("state").asText()).isEqualTo("succeeded");
        assertThat(json(p2, "GET", "/spikes", null)).isEmpty();
        assertThat(send(p1, "POST", "/register", "{\"name\":\"spiky\",\"url\":\"" + spiky
                + "\",\"dataset\":\"levels\",\"spike\":{\"method\":\"zscore\",\"lag\":20,\"threshold\":5,\"record\":0}}").statusCode()).isEqualTo(200);
        assertThat(json(p2, "GET", "/collectors/spiky", null).get("settings").get("spike.threshold").asText()).isEqualTo("5");
        JsonNode loud = awaitEnd(p2, json(p2, "POST", "/run", "{\"name\":\"spiky\",\"cron\":false}").get("id").asText());
        assertThat(loud.get("state").asText()).isEqualTo("succeeded");
        assertThat(json(p1, "GET", "/spikes", null)).isNotEmpty();

        // m1's watcher was told of the runs of both members, each with its member, and of m2's spike
        String loudId = loud.get("id").asText();
        try {
            await("m1's watcher to see the runs of both members and m2's spike").atMost(WAIT).until(() ->
                    watcher.events("run").stream().anyMatch(e -> e.get("data").get("id").asText().equals(loudId))
                            && !watcher.events("spike").isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("m1's watcher read " + watcher.lines() + (watcher.ended() ? ", then its stream ended (" + watcher.endedBy() + ")" : ""), e);
        }
        watcher.close();
        Map<String, String> ranOn = new java.util.HashMap<>();
        watcher.events("run").forEach(e -> ranOn.put(e.get("data").get("id").asText(), e.get("data").get("member").asText()));
        assertThat(ranOn).containsEntry(onM2, done2.get("member").asText()).containsEntry(onM1, done1.get("member").asText());
        assertThat(ranOn.values()).as("run ends of both members").contains("m1", "m2");
        assertThat(watcher.events("run").stream().map(e -> e.get("data").get("id").asText()).toList())
                .as("each run end once").doesNotHaveDuplicates();
        assertThat(watcher.events("spike").get(0).get("data").get("series").asText()).contains("level.csv");

        // declared collectors: each member's files add to the one registry
        assertThat(names(p1, "/collectors", "name")).contains("alpha", "beta", "common");
        // a reload on m1 keeps what only m2 declares
        JsonNode r1 = json(p1, "POST", "/reload", "");
        assertThat(r1.get("removed")).isEmpty();
        assertThat(names(p2, "/collectors", "name")).contains("alpha", "beta", "common");
        // a collector one member stops declaring stays while another still declares it
        Files.delete(files1.resolve("common/collector.ini"));
        assertThat(json(p1, "POST", "/reload", "").get("removed")).isEmpty();
        assertThat(names(p2, "/collectors", "name")).contains("common");
        // and goes once no member declares it
        Files.delete(files2.resolve("common/collector.ini"));
        assertThat(json(p2, "POST", "/reload", "").get("removed").toString()).isEqualTo("[\"common\"]");
        Files.delete(files2.resolve("beta/collector.ini"));
        assertThat(json(p2, "POST", "/reload", "").get("removed").toString()).isEqualTo("[\"beta\"]");
        assertThat(names(p1, "/collectors", "name")).contains("alpha").doesNotContain("beta", "common");
    }
}

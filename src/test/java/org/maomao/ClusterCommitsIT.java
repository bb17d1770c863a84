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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.EtcdServer;
import org.maomao.testing.GitCli;
import org.maomao.testing.JarMembers;
import org.maomao.testing.PostgresServer;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 9, "kill -9 of a member mid-run: the run ends with exactly one commit", against a real
 * remote. Four daemons of the shaded jar (one slot each) on one PostgreSQL and one etcd write into
 * one bare repository, and one member is killed with SIGKILL at each of three moments:
 * <ol>
 *   <li>while its run's container runs;</li>
 *   <li>while it pushes, holding the dataset's etcd lock: the push waits in the remote's
 *       pre-receive hook, the member is killed, and the push is refused;</li>
 *   <li>after its push, before it stored the run's commit: the push waits in the hook, the member
 *       is killed, then the push goes through (a server finishes a push whose client died).</li>
 * </ol>
 * The member killed while pushing then comes back and commits again: the commit its push left
 * in its clone is taken back first.
 * The remote is served by a real git server for pushes: each member fetches the bare repository
 * by its {@code file://} URL and pushes to the same repository through {@code git daemon} (the
 * clone's {@code remote.origin.pushurl}; maomao itself refuses unencrypted {@code git://} remotes,
 * so the test sets it in the clones), whose {@code git-receive-pack} runs the repository's hooks.
 * The pre-receive hook holds the first push of a collector the test names until the test gives
 * its verdict. No sleeps: every step waits for a state it sees
 * (the run's state, the hook's mark, the remote's branch).
 * <p>Afterwards: every run ended once, the remote holds exactly one commit per succeeded run (by
 * its Run-Id trailer) and none of the others, in a linear history that {@code git fsck --strict}
 * accepts; no run is left queued or running and no container is left.
 */
class ClusterCommitsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String DATASET = "shared";

    @TempDir
    Path dir;
    EtcdServer etcd;
    String store;
    JarMembers members;
    Path remote;
    Path ctl;
    Process gitDaemon;

    @AfterEach
    void stop(TestInfo test) throws Exception {
        if (members != null) {
            members.close();
            members.keepLogs("ClusterCommitsIT", test.getTestMethod().orElseThrow().getName());
        }
        if (etcd != null) {
            etcd.close();
        }
        if (gitDaemon != null) {
            gitDaemon.destroy();
        }
    }

    @Test
    void a_member_killed_while_running_pushing_or_after_pushing_leaves_one_commit_per_succeeded_run() throws Exception {
        String writer = TestImages.collector("maomao-test/cluster-writer:1",
                "printf 'run,attempt\\n%s,%s\\n' \"$MAOMAO_RUN_ID\" \"$MAOMAO_ATTEMPT\" > /output/rows.csv\n");
        String patient = TestImages.collector("maomao-test/cluster-patient-writer:1", """
                if [ "$MAOMAO_ATTEMPT" -lt 2 ]; then sleep 300; fi
                printf 'run,attempt\\n%s,%s\\n' "$MAOMAO_RUN_ID" "$MAOMAO_ATTEMPT" > /output/rows.csv
                """);
        etcd = EtcdServer.start(Files.createDirectories(dir.resolve("etcd")));
        store = PostgresServer.shared().newDatabase();
        remote = Files.createDirectories(dir.resolve("remote.git"));
        ctl = Files.createDirectories(dir.resolve("ctl"));
        GitCli.run(remote, "init", "--bare", "-b", "main");
        // no keepalive packets while the hook waits: they would hit the killed client's pipe and end the push
        GitCli.run(remote, "config", "receive.keepAlive", "0");
        installHook();
        int gitPort = org.maomao.testing.Ports.free();
        gitDaemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=" + gitPort,
                "--base-path=" + dir.toRealPath(), "--export-all", "--enable=receive-pack", dir.toRealPath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("git-daemon.log").toFile()).start();
        String pushUrl = "git://127.0.0.1:" + gitPort + "/remote.git";
        await("git daemon to answer").atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                new ProcessBuilder("git", "ls-remote", pushUrl).start().waitFor() == 0);
        members = new JarMembers(dir, etcd, store).set("daemon.max_concurrent_runs", "1")
                .set("git.allowed_remotes", "file://" + dir.toRealPath() + "/*");
        members.startAll("m1", "m2", "m3", "m4");

        assertThat(send("m1", "POST", "/datasets", "{\"name\":\"" + DATASET + "\",\"url\":\"file://" + remote.toRealPath()
                + "\"}").statusCode()).isEqualTo(201);
        register("writer", writer, 2);
        register("patient", patient, 2);
        register("pushkill", writer, 2);
        register("pushedkill", writer, 0);
        // every member clones the dataset and pushes through git daemon's git-receive-pack
        for (String m : List.of("m1", "m2", "m3", "m4")) {
            assertThat(send(m, "GET", "/datasets/" + DATASET, null).statusCode()).isEqualTo(200);
            GitCli.run(members.get(m).dataDir().resolve("datasets").resolve(DATASET), "config", "remote.origin.pushurl",
                    pushUrl);
        }
        // one run on each member: all of them push through the hook
        List<String> warm = new ArrayList<>();
        for (String m : List.of("m1", "m2", "m3", "m4")) {
            warm.add(post(m, "writer"));
        }
        for (String id : warm) {
            assertThat(awaitEnd("m1", id).get("state").asText()).isEqualTo("succeeded");
        }

        // A run posted to a member with a free slot may still be claimed by another member's poll
        // first, so each step kills the member that took its run, whichever it is.
        List<String> alive = new ArrayList<>(List.of("m1", "m2", "m3", "m4"));

        // (a) SIGKILL while the container runs: a survivor takes the run over and its attempt 2 commits
        String a = post("m1", "patient");
        String aMember = await("run a to run with its container").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> runningMember(alive.get(0), a), m -> m != null && DaemonEndToEndTest.dockerContainersOf(a).size() == 1);
        kill(alive, aMember);
        JsonNode aDone = awaitEnd(alive.get(0), a);
        assertThat(aDone.get("state").asText()).isEqualTo("succeeded");
        assertThat(aDone.get("attempt").asInt()).isEqualTo(2);
        assertThat(aDone.get("member").asText()).isIn(alive);

        // (b) SIGKILL while pushing, holding the dataset's lock: the push is refused, the lock goes with the lease
        hold("pushkill");
        String b = post(alive.get(0), "pushkill");
        awaitArrived("pushkill");
        String pushKilled = runningMember(alive.get(0), b);
        assertThat(pushKilled).as("the member pushing run b").isIn(alive);
        String lockKey = "/maomao/locks/datasets/" + DATASET + "/" + Long.toHexString(leaseOf(pushKilled));
        assertThat(etcdKeys("/maomao/locks/datasets/" + DATASET + "/")).as("%s holds the dataset's lock", pushKilled)
                .contains(lockKey);
        // a run on another member waits for that lock meanwhile
        String waiting = post(alive.stream().filter(m -> !m.equals(pushKilled)).findFirst().orElseThrow(), "writer");
        kill(alive, pushKilled);
        verdict("pushkill", "refuse");
        JsonNode bDone = awaitEnd(alive.get(0), b);
        assertThat(bDone.get("state").asText()).isEqualTo("succeeded");
        assertThat(bDone.get("attempt").asInt()).isEqualTo(2);
        assertThat(bDone.get("member").asText()).isIn(alive);
        assertThat(awaitEnd(alive.get(0), waiting).get("state").asText()).isEqualTo("succeeded");
        assertThat(etcdKeys("/maomao/locks/datasets/" + DATASET + "/")).doesNotContain(lockKey);

        // (c) SIGKILL after pushing, before the run's commit is stored; no retries left
        hold("pushedkill");
        String c = post(alive.get(0), "pushedkill");
        awaitArrived("pushedkill");
        String pushedKilled = runningMember(alive.get(0), c);
        assertThat(pushedKilled).as("the member pushing run c").isIn(alive);
        kill(alive, pushedKilled);
        String last = alive.get(0);
        verdict("pushedkill", "accept");
        await("run c's commit on the remote").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> runIdsOnRemote().contains(c));
        Instant landed = Instant.now();
        JsonNode cDone = awaitEnd(last, c);
        assertThat(cDone.get("state").asText()).as(cDone.toString()).isEqualTo("succeeded");
        assertThat(cDone.get("attempt").asInt()).isEqualTo(1);
        assertThat(cDone.get("commit").asText()).isEqualTo(commitOf(c));
        JsonNode lost = events(last, c).stream().filter(e -> e.get("type").asText().equals("lost")).findFirst()
                .orElseThrow();
        assertThat(lost.get("payload").get("member").asText()).isEqualTo(pushedKilled);
        assertThat(Instant.parse(lost.get("at").asText())).as("taken over after the commit landed").isAfter(landed);

        // the member killed while pushing comes back: the commit its killed push left in its clone is
        // taken back, and it commits again. The last survivor is kept busy first (its push held in the
        // hook), so the run posted to the member that came back can only be taken by it.
        register(last, "busy", writer, 0);
        hold("busy");
        String busy = post(last, "busy");
        awaitArrived("busy");
        members.start(pushKilled);
        String back = post(pushKilled, "writer");
        await("the run posted to " + pushKilled + " to be taken by it").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> runningMember(pushKilled, back), pushKilled::equals);
        verdict("busy", "accept");
        assertThat(awaitEnd(last, busy).get("state").asText()).isEqualTo("succeeded");
        JsonNode backDone = awaitEnd(pushKilled, back);
        assertThat(backDone.get("state").asText()).as(backDone.toString()).isEqualTo("succeeded");
        assertThat(backDone.get("member").asText()).isEqualTo(pushKilled);
        assertThat(Files.readString(members.get(pushKilled).log())).contains("an ingest of this member did not finish");

        // the whole history
        Map<String, String> states = new TreeMap<>();
        for (String row : PostgresServer.shared().rows(store, "SELECT id, state FROM mm_runs")) {
            states.put(row.split(" ")[0], row.split(" ")[1]);
        }
        System.out.println("ClusterCommitsIT: runs " + states);
        assertThat(states.values()).as("no run left queued, running or retrying").allMatch(s -> s.equals("succeeded"));
        Map<String, Integer> finished = new HashMap<>();
        for (String row : PostgresServer.shared().rows(store, "SELECT run_id, COUNT(*) FROM mm_run_events WHERE type='finished' GROUP BY run_id")) {
            finished.put(row.split(" ")[0], Integer.parseInt(row.split(" ")[1]));
        }
        assertThat(finished).as("one finished event per run").hasSize(states.size()).allSatisfy((id, n) -> assertThat(n)
                .as("finished events of %s", id).isEqualTo(1));
        List<String> onRemote = runIdsOnRemote();
        assertThat(onRemote).as("one commit per succeeded run, by Run-Id").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(states.keySet());
        assertThat(GitCli.lines(remote, "rev-list", "main")).as("every commit is a run's").hasSize(onRemote.size());
        assertThat(GitCli.run(remote, "log", "--merges", "--oneline", "main")).as("a linear history").isEmpty();
        assertThat(GitCli.run(remote, "fsck", "--strict")).isEmpty();
        for (String id : states.keySet()) {
            assertThat(DaemonEndToEndTest.dockerContainersOf(id)).as("containers of run %s", id).isEmpty();
        }
    }

    /** The remote's pre-receive hook: holds the first push of attempt 1 of a held collector until the test's verdict. */
    void installHook() throws IOException {
        Path hook = remote.resolve("hooks").resolve("pre-receive");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, """
                #!/bin/sh
                ctl='%s'
                echo "pre-receive $$" >> "$ctl/hook.log"
                while read old new ref; do
                  msg=$(git log -1 --format=%%B "$new")
                  col=$(printf '%%s\\n' "$msg" | sed -n 's/^Collector: //p')
                  att=$(printf '%%s\\n' "$msg" | sed -n 's/^Attempt: //p')
                  if [ -n "$col" ] && [ "$att" = 1 ] && [ -f "$ctl/hold-$col" ]; then
                    rm -f "$ctl/hold-$col"
                    touch "$ctl/arrived-$col"
                    while [ ! -f "$ctl/verdict-$col" ]; do sleep 0.05; done
                    if [ "$(cat "$ctl/verdict-$col")" = accept ]; then exit 0; fi
                    exit 1
                  fi
                done
                exit 0
                """.formatted(ctl.toRealPath()));
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    void hold(String collector) throws IOException {
        Files.writeString(ctl.resolve("hold-" + collector), "");
    }

    void awaitArrived(String collector) {
        await(collector + "'s push to reach the remote's hook").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(ctl.resolve("arrived-" + collector)));
    }

    void verdict(String collector, String verdict) throws IOException {
        Path tmp = ctl.resolve("tmp-" + collector);
        Files.writeString(tmp, verdict);
        Files.move(tmp, ctl.resolve("verdict-" + collector), StandardCopyOption.ATOMIC_MOVE);
    }

    List<String> runIdsOnRemote() {
        if (GitCli.run(remote, "branch", "--list", "main").isEmpty()) {
            return List.of();
        }
        return GitCli.lines(remote, "log", "--format=%(trailers:key=Run-Id,valueonly)", "main").stream()
                .map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    String commitOf(String runId) {
        for (String line : GitCli.lines(remote, "log", "--format=%H %(trailers:key=Run-Id,valueonly,separator=)", "main")) {
            if (line.endsWith(" " + runId)) {
                return line.substring(0, line.indexOf(' '));
            }
        }
        throw new AssertionError("no commit of run " + runId + " on the remote");
    }

    /** The etcd lease of a member's key. */
    long leaseOf(String member) throws IOException {
        JsonNode kv = JSON.readTree(etcdctl("get", "/maomao/members/" + member, "-w", "json")).get("kvs").get(0);
        return kv.get("lease").asLong();
    }

    List<String> etcdKeys(String prefix) throws IOException {
        return etcdctl("get", "--prefix", prefix, "--keys-only").lines().filter(l -> !l.isBlank()).toList();
    }

    String etcdctl(String... args) throws IOException {
        Process p = etcd.ctlBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    void register(String name, String image, int retries) throws IOException {
        register("m1", name, image, retries);
    }

    void register(String via, String name, String image, int retries) throws IOException {
        HttpResponse<String> r = send(via, "POST", "/register", "{\"name\":\"" + name + "\",\"url\":\"" + image
                + "\",\"dataset\":\"" + DATASET + "\",\"retries\":\"" + retries + "\",\"retry_backoff\":\"1s\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** SIGKILLs {@code member} and drops it from {@code alive}. */
    void kill(List<String> alive, String member) throws InterruptedException {
        members.get(member).kill();
        alive.remove(member);
    }

    /** The member running run {@code id}, as {@code via} answers; null while the run is not running. */
    String runningMember(String via, String id) throws IOException {
        JsonNode r = run(via, id);
        return r.get("state").asText().equals("running") && r.hasNonNull("member") ? r.get("member").asText() : null;
    }

    /** Posts a run to {@code member}; it is queued for any member with a free slot. */
    String post(String member, String collector) throws IOException {
        HttpResponse<String> r = send(member, "POST", "/run", "{\"name\":\"" + collector + "\",\"cron\":false}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("id").asText();
    }

    JsonNode awaitEnd(String member, String id) {
        return await("run " + id + " to end").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> run(member, id), r -> List.of("succeeded", "failed", "timed_out", "cancelled")
                        .contains(r.get("state").asText()));
    }

    JsonNode run(String member, String id) throws IOException {
        return JSON.readTree(send(member, "GET", "/runs/" + id, null).body());
    }

    List<JsonNode> events(String member, String id) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(send(member, "GET", "/runs/" + id + "/events", null).body()).forEach(out::add);
        return out;
    }

    HttpResponse<String> send(String member, String method, String path, String body) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(members.get(member).url() + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}

package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.GitCli;
import org.maomao.testing.Poll;
import org.maomao.testing.Ports;
import org.maomao.testing.TestImages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Nothing lost, nothing doubled under {@code kill -9}: bursts of concurrent runs into one
 * dataset, the daemon jar killed with SIGKILL while commits are being made, restarted,
 * again; then every run has ended exactly once, each succeeded run has exactly one
 * commit, the dataset holds each run's row once, {@code git fsck --strict} is clean and
 * no container of the daemon is left.
 *
 * <p>The suite runs a short version; {@code bench/crash-stress} runs the full one
 * ({@code -Dcrash.runs=200 -Dcrash.rounds=4}). The kill lands after a random number of
 * commits of the round ({@code -Dcrash.seed=} repeats a sequence), so that over rounds
 * and runs it hits every step around a commit.
 */
class CrashStressIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_end_every_run_exactly_once_with_at_most_one_commit_across_kill_9_and_restarts() throws Exception {
        int runs = Integer.getInteger("crash.runs", 24);
        int rounds = Integer.getInteger("crash.rounds", 2);
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        String image = TestImages.collector("maomao-test/stress:crash", """
                sleep 0.$((RANDOM % 4))
                printf 'run,attempt,value\\n%s,%s,%s\\n' "$MAOMAO_RUN_ID" "$MAOMAO_ATTEMPT" "$RANDOM" > /output/rows.csv
                """);
        int port = Ports.free();
        Path data = dir.resolve("data");
        Path dataset = data.resolve("datasets/stress");
        Map<String, String> env = Map.of("MAOMAO_DAEMON_LISTEN", "127.0.0.1:" + port,
                "MAOMAO_DAEMON_DATA_DIR", data.toString(), "MAOMAO_DAEMON_MAX_CONCURRENT_RUNS", "4",
                // each kill costs the runs in flight an attempt: enough attempts that none runs out
                "MAOMAO_DEFAULTS_RETRIES", Integer.toString(rounds + 2), "MAOMAO_DEFAULTS_RETRY_BACKOFF", "1s");
        List<String> ids = new ArrayList<>();
        List<String> log = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Process daemon = start(env, round);
            try {
                awaitHealth(port);
                if (round == 0) {
                    post(port, "/register", "{\"name\":\"stress\",\"url\":\"" + image + "\"}");
                }
                int before = commits(dataset);
                // kill after a random number of this round's commits: mid-burst, right around a commit
                int killAfter = 1 + random.nextInt(Math.max(1, runs * 2 / 3));
                List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    sent.add(HTTP.sendAsync(request(port, "/run", "{\"name\":\"stress\",\"dataset\":\"stress\",\"cron\":false}"),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> f : sent) {
                    HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                    ids.add(JSON.readTree(r.body()).get("id").asText());
                }
                Poll.until(Duration.ofSeconds(180), killAfter + " commits of round " + round,
                        () -> commits(dataset) - before >= killAfter);
                log.add("round " + round + ": kill -9 after " + (commits(dataset) - before) + " commits (aimed at "
                        + killAfter + ")");
            } finally {
                daemon.destroyForcibly(); // SIGKILL: no shutdown hook runs
                daemon.waitFor(60, TimeUnit.SECONDS);
            }
        }
        Process last = start(env, rounds);
        try {
            awaitHealth(port);
            Map<String, JsonNode> ended = new HashMap<>();
            Poll.until(Duration.ofSeconds(60 + runs * rounds * 3L), "every run to end", () -> {
                for (String id : ids) {
                    if (!ended.containsKey(id)) {
                        JsonNode r = json(get(port, "/runs/" + id));
                        if (r != null && r.has("state") && isFinal(r.get("state").asText())) {
                            ended.put(id, r);
                        }
                    }
                }
                return ended.size() == ids.size();
            });
            String context = "seed " + seed + ", " + log;
            Map<String, Integer> commitsPerRun = new HashMap<>();
            for (String trailer : GitCli.lines(dataset, "log", "--format=%(trailers:key=Run-Id,valueonly)")) {
                if (!trailer.isBlank()) {
                    commitsPerRun.merge(trailer.trim(), 1, Integer::sum);
                }
            }
            List<String> doubled = commitsPerRun.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            assertThat(doubled).as("runs committed more than once (%s)", context).isEmpty();
            for (String id : ids) {
                JsonNode r = ended.get(id);
                assertThat(r.get("state").asText()).as("run %s (%s)", id, context).isEqualTo("succeeded");
                assertThat(commitsPerRun.get(id)).as("commits of run %s (%s)", id, context).isEqualTo(1);
                assertThat(r.get("commit").asText()).as("run %s's recorded commit", id)
                        .isEqualTo(GitCli.run(dataset, "log", "--format=%H", "--grep=^Run-Id: " + id + "$"));
            }
            assertThat(commitsPerRun.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            List<String> rows = Files.readAllLines(dataset.resolve("stress/rows.csv"));
            assertThat(rows.subList(1, rows.size()).stream().map(l -> l.split(",")[0]).toList())
                    .as("each run's row once in the data (%s)", context).containsExactlyInAnyOrderElementsOf(ids);
            GitCli.run(dataset, "fsck", "--strict");
            assertThat(GitCli.run(dataset, "status", "--porcelain")).isEmpty();
            String instance = Files.readString(data.resolve("instance-id")).trim();
            Poll.until(Duration.ofSeconds(30), "no container of the daemon left",
                    () -> TestImages.docker().listContainersCmd().withShowAll(true)
                            .withLabelFilter(Map.of("maomao.instance", instance)).exec().isEmpty());
            System.out.printf("crash stress: %d runs in %d rounds, %s: 0 doubled, 0 stuck, 0 containers left%n",
                    ids.size(), rounds, context);
        } finally {
            last.destroy();
            last.waitFor(60, TimeUnit.SECONDS);
        }
    }

    static boolean isFinal(String state) {
        return List.of("succeeded", "failed", "timed_out", "cancelled", "skipped").contains(state);
    }

    Process start(Map<String, String> env, int round) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", MaomaoJarIT.JAR.toString(), "daemon")
                .redirectErrorStream(true).redirectOutput(dir.resolve("daemon-" + round + ".log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    static int commits(Path repo) {
        if (!Files.isDirectory(repo.resolve(".git"))) {
            return 0;
        }
        try {
            Process p = new ProcessBuilder("git", "-C", repo.toString(), "rev-list", "--count", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(30, TimeUnit.SECONDS);
            return p.exitValue() == 0 ? Integer.parseInt(out) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    static void awaitHealth(int port) {
        Poll.until(Duration.ofSeconds(90), "the daemon to answer /health", () -> {
            HttpResponse<String> r = get(port, "/health");
            return r != null && r.statusCode() == 200;
        });
    }

    static HttpRequest request(int port, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static void post(int port, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(request(port, path, body), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }

    static HttpResponse<String> get(int port, String path) {
        return MaomaoJarIT.get(port, path);
    }

    static JsonNode json(HttpResponse<String> r) {
        return MaomaoJarIT.json(r);
    }
}

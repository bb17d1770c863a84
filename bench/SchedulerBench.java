import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * maomao's scheduling benchmark (issue: "Scheduling you can trust"), run by bench/run:
 *  (a) run overhead: wall time from POST /run to a succeeded run of a trivial collector,
 *      paired with `docker run --rm` of the same image with the same kind of mount;
 *  (b) 10,000 daily schedules: daemon RSS, startup time, GET /schedules latency.
 * Prints figures and ratios measured in this one run.
 */
public class SchedulerBench {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String IMAGE = "maomao-bench/trivial:latest";
    /** Pairs run before measuring, so that both sides are warm (JIT, page cache, engine). */
    static final int WARM_UP = 10;

    public static void main(String[] args) throws Exception {
        int pairs = Integer.parseInt(System.getProperty("pairs", "30"));
        int schedules = Integer.parseInt(System.getProperty("schedules", "10000"));
        Path work = Files.createTempDirectory("maomao-bench");
        buildImage(work);
        runOverhead(work, pairs);
        manySchedules(work, schedules);
    }

    static void buildImage(Path work) throws Exception {
        Path ctx = Files.createDirectories(work.resolve("image"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM maomao/busybox:latest\n"
                + "ENTRYPOINT [\"/bin/sh\", \"-c\", \"echo t,v > /output/x.csv; echo 1,1 >> /output/x.csv\"]\n");
        exec(List.of("docker", "build", "-q", "-t", IMAGE, ctx.toString()));
    }

    static void runOverhead(Path work, int pairs) throws Exception {
        Daemon d = Daemon.start(work.resolve("overhead"));
        try {
            post(d.port, "/register", "{\"name\":\"trivial\",\"url\":\"" + IMAGE + "\",\"retries\":0}");
            Path out = Files.createDirectories(work.resolve("docker-out"));
            List<Double> docker = new ArrayList<>();
            List<Double> maomao = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int i = -WARM_UP; i < pairs; i++) {
                // alternate which goes first, so neither profits from the other's warm caches
                double dockerMs = 0;
                double maomaoMs = 0;
                for (int k = 0; k < 2; k++) {
                    if ((k == 0) == (i % 2 == 0)) {
                        dockerMs = timeDockerRun(out);
                    } else {
                        maomaoMs = timeMaomaoRun(d);
                    }
                }
                if (i >= 0) {
                    docker.add(dockerMs);
                    maomao.add(maomaoMs);
                    ratios.add(maomaoMs / dockerMs);
                }
            }
            double md = median(docker);
            double mm = median(maomao);
            System.out.printf("run overhead (%d pairs, trivial collector, dataset none):%n", pairs);
            System.out.printf("  docker run --rm      median %7.1f ms  (p10 %.1f, p90 %.1f)%n", md, pct(docker, 10), pct(docker, 90));
            System.out.printf("  POST /run→succeeded  median %7.1f ms  (p10 %.1f, p90 %.1f)%n", mm, pct(maomao, 10), pct(maomao, 90));
            System.out.printf("  ratio of medians     %.3f  (target <= 1.05)%n", mm / md);
            System.out.printf("  median paired ratio  %.3f  (each maomao run over the docker run next to it)%n", median(ratios));
        } finally {
            d.stop();
        }
    }

    /** Wall time of a plain docker run of the same image, with the same mount, network and init. */
    static double timeDockerRun(Path out) throws Exception {
        long t0 = System.nanoTime();
        exec(List.of("docker", "run", "--rm", "--network", "none", "--init", "-v", out + ":/output", IMAGE));
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * Wall time from POST /run until the run has succeeded, learnt with GET /runs/{id}?wait=60s
     * (the answer comes when the run ends; polling would steal CPU from the engine on 2 cores).
     */
    static double timeMaomaoRun(Daemon d) throws Exception {
        long t0 = System.nanoTime();
        String body = post(d.port, "/run", "{\"name\":\"trivial\",\"dataset\":\"none\",\"cron\":false}");
        String id = body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String r = get(d.port, "/runs/" + id + "?wait=60s");
        if (!r.contains("\"state\":\"succeeded\"")) {
            throw new IllegalStateException("benchmark run did not succeed: " + r);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static void manySchedules(Path work, int count) throws Exception {
        Path data = work.resolve("schedules");
        Daemon d = Daemon.start(data);
        int collectors = 100;
        long t0 = System.nanoTime();
        try {
            for (int c = 0; c < collectors; c++) {
                post(d.port, "/register", "{\"name\":\"c" + c + "\",\"url\":\"" + IMAGE + "\"}");
            }
            for (int i = 0; i < count; i++) {
                post(d.port, "/run", "{\"name\":\"c" + (i % collectors) + "\",\"dataset\":\"d" + (i / collectors)
                        + "\",\"cron\":true,\"frequency\":\"daily\"}");
            }
        } finally {
            d.stop();
        }
        double createS = (System.nanoTime() - t0) / 1e9;
        long start = System.nanoTime();
        Daemon again = Daemon.start(data);
        double startupS = (System.nanoTime() - start) / 1e9;
        try {
            long rssIdle = again.rssKb();
            List<Double> lat = new ArrayList<>();
            int listed = 0;
            for (int i = 0; i < 7; i++) {
                long t = System.nanoTime();
                String body = get(again.port, "/schedules");
                lat.add((System.nanoTime() - t) / 1e6);
                listed = body.split("\"id\":").length - 1;
            }
            long rssAfter = again.rssKb();
            System.out.printf("%d daily schedules (%d collectors):%n", count, collectors);
            System.out.printf("  created through the API in %.1f s (%.2f ms each)%n", createS, createS * 1000 / count);
            System.out.printf("  daemon startup to /health  %.2f s%n", startupS);
            System.out.printf("  GET /schedules (%d listed) median %.0f ms (min %.0f, max %.0f)%n", listed, median(lat),
                    Collections.min(lat), Collections.max(lat));
            System.out.printf("  daemon RSS %d MiB after start, %d MiB after listing%n", rssIdle / 1024, rssAfter / 1024);
        } finally {
            again.stop();
        }
    }

    static double median(List<Double> v) {
        return pct(v, 50);
    }

    static double pct(List<Double> v, int p) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.round((s.size() - 1) * p / 100.0)));
    }

    static String post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static void exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** The daemon as a separate process, from the shaded jar. */
    static final class Daemon {
        final Process process;
        final int port;

        Daemon(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static Daemon start(Path data) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            // started in the data's parent folder, so that no ./config.ini of the checkout is read
            // the same heap limit as systemd/maomao.service
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-jar",
                    Path.of("target/maomao.jar").toAbsolutePath().toString(), "daemon").directory(data.getParent().toFile())
                    .redirectErrorStream(true).redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile());
            pb.environment().put("MAOMAO_DAEMON_LISTEN", "127.0.0.1:" + port);
            pb.environment().put("MAOMAO_DAEMON_DATA_DIR", data.toString());
            pb.environment().put("MAOMAO_DAEMON_MAX_CONCURRENT_RUNS", "4");
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        return new Daemon(p, port);
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (!p.isAlive()) {
                    throw new IllegalStateException("daemon exited; see " + data + ".log");
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("daemon did not answer /health within 120 s");
        }

        long rssKb() throws IOException {
            for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D+", ""));
                }
            }
            return -1;
        }

        void stop() throws Exception {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }
}

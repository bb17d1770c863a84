package org.maomao.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real etcd (Debian's etcd-server) on free loopback ports, for one test. */
public final class EtcdServer implements AutoCloseable {
    private Process process;
    private final String endpoint;
    private final Path dir;
    private final int peer;

    private EtcdServer(Path dir, String endpoint, int peer) {
        this.dir = dir;
        this.endpoint = endpoint;
        this.peer = peer;
    }

    public static EtcdServer start(Path dir) throws IOException {
        EtcdServer s = new EtcdServer(dir, "http://127.0.0.1:" + Ports.free(), Ports.free());
        s.launch();
        return s;
    }

    private void launch() throws IOException {
        String p = "http://127.0.0.1:" + peer;
        process = new ProcessBuilder("etcd", "--name", "test", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint, "--listen-peer-urls", p,
                "--initial-advertise-peer-urls", p, "--initial-cluster", "test=" + p)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
                .start();
        Poll.until(Duration.ofSeconds(60), "etcd to answer", () -> ctl("endpoint", "health").exitValue() == 0);
    }

    /** Kills etcd (SIGKILL); {@link #startEmpty()} brings up a new one on the same address. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts a new etcd with no data on the same address, as when a lost etcd is replaced: every lease is gone. */
    public void startEmpty() throws IOException {
        try (var files = java.nio.file.Files.walk(dir.resolve("etcd"))) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(f);
            }
        }
        launch();
    }

    public String endpoint() {
        return endpoint;
    }

    /** Runs etcdctl against this server and waits for it. */
    public Process ctl(String... args) {
        try {
            Process p = ctlBuilder(args).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(30, TimeUnit.SECONDS);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A builder for an etcdctl command against this server (e.g. a watch that keeps running). */
    public ProcessBuilder ctlBuilder(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("etcdctl", "--endpoints", endpoint));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ETCDCTL_API", "3");
        return pb;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}

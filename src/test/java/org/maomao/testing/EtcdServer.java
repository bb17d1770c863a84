package org.maomao.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real etcd (Debian's etcd-server) on free loopback ports, for one test. */
public final class EtcdServer implements AutoCloseable {
    private final Process process;
    private final String endpoint;

    private EtcdServer(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static EtcdServer start(Path dir) throws IOException {
        int client = Ports.free();
        int peer = Ports.free();
        String c = "http://127.0.0.1:" + client;
        String p = "http://127.0.0.1:" + peer;
        Process proc = new ProcessBuilder("etcd", "--name", "test", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", c, "--advertise-client-urls", c, "--listen-peer-urls", p,
                "--initial-advertise-peer-urls", p, "--initial-cluster", "test=" + p)
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        EtcdServer s = new EtcdServer(proc, c);
        Poll.until(Duration.ofSeconds(60), "etcd to answer", () -> s.ctl("endpoint", "health").exitValue() == 0);
        return s;
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

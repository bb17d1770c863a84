package org.maomao.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real OpenSSH server (Debian's openssh-server) on a free loopback port, for one test. */
public final class SshServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path authorizedKeys;

    private SshServer(Process process, int port, Path authorizedKeys) {
        this.process = process;
        this.port = port;
        this.authorizedKeys = authorizedKeys;
    }

    /** Starts sshd accepting only the keys in {@code authorizedKeys} (which may be changed later). */
    public static SshServer start(Path dir, String authorizedKey) throws Exception {
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        Process kg = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString())
                .redirectErrorStream(true).start();
        kg.getInputStream().readAllBytes();
        kg.waitFor(30, TimeUnit.SECONDS);
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, authorizedKey + "\n");
        int port = Ports.free();
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, "Port " + port + "\nListenAddress 127.0.0.1\nHostKey " + hostKey + "\n"
                + "AuthorizedKeysFile " + keys + "\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                + "PubkeyAuthentication yes\nPermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\n"
                + "PidFile " + dir.resolve("sshd.pid") + "\n");
        Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile()).start();
        int bound = port;
        Poll.until(Duration.ofSeconds(30), "sshd to listen", () -> {
            try (Socket s = new Socket("127.0.0.1", bound)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return new SshServer(p, port, keys);
    }

    public int port() {
        return port;
    }

    /** Replaces the accepted keys. */
    public void authorize(String key) throws IOException {
        Files.writeString(authorizedKeys, key + "\n");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}

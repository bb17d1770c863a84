package org.maomao.dataset;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's own ssh identity for dataset remotes: an ed25519 key made at first start
 * under {@code <data_dir>/keys} (private key mode 0600), shown by {@code GET /keys/ssh}
 * to be added as a deploy key. ssh remotes go through JGit's Apache MINA transport with
 * only this key, and a host key is trusted on first use and checked after that
 * ({@code known_hosts} next to the key), never anything from the user's ~/.ssh.
 */
public final class SshKeys {
    private static final Logger log = LoggerFactory.getLogger(SshKeys.class);
    public static final String KEY_FILE = "id_ed25519";

    private final Path dir;
    private final SshdSessionFactory factory;

    private SshKeys(Path dir) {
        this.dir = dir;
        this.factory = new SshdSessionFactoryBuilder()
                .setHomeDirectory(dir.toFile())
                .setSshDirectory(dir.toFile())
                .setConfigFile(f -> dir.resolve("ssh_config").toFile())
                .setDefaultIdentities(f -> List.of(dir.resolve(KEY_FILE)))
                .setDefaultKnownHostsFiles(f -> List.of(dir.resolve("known_hosts")))
                .build(new JGitKeyCache());
    }

    /** Opens the keys under {@code dir}, generating the key pair on first use. */
    public static SshKeys init(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Path key = dir.resolve(KEY_FILE);
            if (!Files.exists(key)) {
                generate(dir, key);
            }
            // trust a host on first use, then insist on the same key; only our identity, no agent
            Files.writeString(dir.resolve("ssh_config"), "Host *\n  StrictHostKeyChecking accept-new\n"
                    + "  IdentityFile " + key.toAbsolutePath() + "\n  IdentitiesOnly yes\n  BatchMode yes\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the ssh key under " + dir, e);
        }
        return new SshKeys(dir);
    }

    private static void generate(Path dir, Path key) throws IOException {
        KeyPair pair;
        try {
            pair = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an ed25519 key: " + e.getMessage(), e);
        }
        String comment = "maomao@" + hostName();
        Path tmp = dir.resolve(KEY_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve(KEY_FILE + ".pub"))) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair, comment, out);
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
        Files.move(tmp, key);
        log.info("generated the daemon's ssh key {} (public key: GET /keys/ssh)", key);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The public key, one line in OpenSSH format, to add as a deploy key. */
    public String publicKey() {
        try {
            return Files.readString(dir.resolve(KEY_FILE + ".pub"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes ssh transports use this key (JGit's type: for this package only, see {@link GitDatasets#setTransport(SshKeys)}). */
    TransportConfigCallback transport() {
        return t -> {
            if (t instanceof SshTransport ssh) {
                ssh.setSshSessionFactory(factory);
            }
        };
    }
}

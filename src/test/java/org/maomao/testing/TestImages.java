package org.maomao.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.maomao.docker.DockerClients;
import org.maomao.docker.DockerImageBuilder;

import com.github.dockerjava.api.DockerClient;

/**
 * Collector images for tests, built locally on {@code maomao/busybox} (made by
 * {@code collectors/build-base-image} from the host's static busybox): no registry.
 */
public final class TestImages {
    public static final String BASE = "maomao/busybox:latest";
    private static final ConcurrentHashMap<String, String> BUILT = new ConcurrentHashMap<>();
    private static volatile boolean baseBuilt;

    private TestImages() {
    }

    public static DockerClient docker() {
        return DockerClients.connect(System.getenv().getOrDefault("DOCKER_HOST", DockerClients.DEFAULT_HOST));
    }

    /** Builds the base image once per test JVM with the project's own script. */
    public static synchronized void ensureBase() {
        if (baseBuilt) {
            return;
        }
        try {
            Process p = new ProcessBuilder("collectors/build-base-image").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("collectors/build-base-image failed: " + out);
            }
            baseBuilt = true;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A collector script writing level.csv: 60 quiet points a second apart around 100, point 50 at 900. */
    public static final String SPIKE_AT_50 = """
            i=0
            echo "timestamp,value" > /output/level.csv
            while [ $i -lt 60 ]; do
              v=$((100 + (i * 7) % 5))
              if [ $i -eq 50 ]; then v=900; fi
              printf '2026-02-01T00:00:%02d,%s\\n' $i $v >> /output/level.csv
              i=$((i + 1))
            done
            """;

    /**
     * An image {@code tag} whose entrypoint runs {@code script} with busybox sh; built
     * once per JVM and tag.
     */
    public static String collector(String tag, String script) {
        ensureBase();
        return BUILT.computeIfAbsent(tag + "\n" + script, k -> {
            try {
                Path dir = Files.createTempDirectory("maomao-image");
                Files.writeString(dir.resolve("run.sh"), script);
                Files.writeString(dir.resolve("Dockerfile"), "FROM " + BASE + "\nCOPY run.sh /run.sh\n"
                        + "ENTRYPOINT [\"/bin/sh\", \"/run.sh\"]\n");
                try (DockerClient d = docker()) {
                    new DockerImageBuilder(d).build(dir, tag);
                }
                return tag;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}

package org.maomao.docker;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;

/**
 * One connection to a Docker engine and what maomao does with it: run collectors and build
 * their images. The daemon and the CLI hold this, never docker-java's client, so that
 * docker-java stays inside this package.
 */
public final class DockerEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DockerEngine.class);
    private final String host;
    private final DockerClient client;

    private DockerEngine(String host, DockerClient client) {
        this.host = host;
        this.client = client;
    }

    /** Connects lazily: nothing is sent until the first call, so an engine that is down fails then. */
    public static DockerEngine connect(String host) {
        return new DockerEngine(host, DockerClients.connect(host));
    }

    /** The engine's address, as configured. */
    public String host() {
        return host;
    }

    /** Runs collector containers as {@code user}, labelled with this daemon's {@code instance}. */
    public DockerContainerRunner runner(ContainerUser user, String instance) {
        return new DockerContainerRunner(client, user, instance);
    }

    /** Builds collector images on this engine. */
    public DockerImageBuilder images() {
        return new DockerImageBuilder(client);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            log.debug("closing the Docker client of {}: {}", host, e.getMessage());
        }
    }
}

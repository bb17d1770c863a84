package org.maomao.docker;

import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

/** Builds the docker-java client for an engine address such as {@code unix:///var/run/docker.sock}. */
public final class DockerClients {
    /** Where Debian's docker.io listens. */
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    private DockerClients() {
    }

    public static DockerClient connect(String host) {
        DefaultDockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host).build();
        // No response timeout: waiting for a container and following its log are long reads.
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(cfg.getDockerHost())
                .sslConfig(cfg.getSSLConfig())
                .maxConnections(200)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        return DockerClientImpl.getInstance(cfg, http);
    }
}

package org.maomao.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;

/** Builds a collector's image from its Dockerfile folder, without pulling base images. */
public final class DockerImageBuilder {
    private final DockerClient docker;

    public DockerImageBuilder(DockerClient docker) {
        this.docker = docker;
    }

    /** Builds {@code dir} (which must hold a Dockerfile) as {@code tag}; returns the image id. */
    public String build(Path dir, String tag) {
        if (!Files.isRegularFile(dir.resolve("Dockerfile"))) {
            throw new IllegalArgumentException("no Dockerfile in " + dir);
        }
        return docker.buildImageCmd(dir.toFile())
                .withTags(Set.of(tag))
                .withPull(false)
                .exec(new BuildImageResultCallback())
                .awaitImageId();
    }
}

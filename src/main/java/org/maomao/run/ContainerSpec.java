package org.maomao.run;

import java.nio.file.Path;
import java.util.Map;

import org.maomao.collector.RunPolicy;

/**
 * What a container runner needs for one attempt of a run: the image, the collector
 * contract's environment and mounts, and the policy's limits.
 */
public record ContainerSpec(String runId, String collector, String image, int attempt, Map<String, String> env,
                            Path outputDir, Path inputDir, RunPolicy policy) {
    public ContainerSpec {
        env = Map.copyOf(env);
    }
}

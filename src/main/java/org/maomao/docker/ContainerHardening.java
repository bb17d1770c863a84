package org.maomao.docker;

import java.util.List;

import org.maomao.collector.RunPolicy;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import org.maomao.run.ContainerSpec;

/**
 * The host configuration every collector container gets: a collector is someone
 * else's code, so it runs with no new privileges, every capability dropped, memory,
 * CPU, process and file size limits, and the network the policy names (none by default).
 */
final class ContainerHardening {
    private ContainerHardening() {
    }

    static HostConfig hostConfig(ContainerSpec spec) {
        RunPolicy p = spec.policy();
        return HostConfig.newHostConfig()
                .withBinds(new Bind(spec.outputDir().toAbsolutePath().toString(), new Volume("/output"), AccessMode.rw),
                        new Bind(spec.inputDir().toAbsolutePath().toString(), new Volume("/input"), AccessMode.ro))
                .withNetworkMode(p.network())
                // an init as PID 1 forwards SIGTERM to the collector (a shell as PID 1 ignores it) and reaps zombies
                .withInit(true)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withMemory(p.memoryBytes())
                .withMemorySwap(p.memoryBytes()) // swap equal to memory: no swap beyond the limit
                .withPidsLimit(p.pids())
                .withNanoCPUs((long) (p.cpus() * 1_000_000_000L))
                // no single file can grow past max_output between two checks of the output watcher
                // (a write beyond it fails with EFBIG, or SIGXFSZ ends the writer)
                .withUlimits(List.of(new Ulimit("fsize", p.maxOutputBytes(), p.maxOutputBytes())));
    }
}

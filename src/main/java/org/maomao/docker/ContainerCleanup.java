package org.maomao.docker;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;

/**
 * Ends containers quietly: stop (with grace), kill, remove, and at start remove the
 * leftovers of runs that are no longer active. Only containers labelled with this
 * daemon's instance id are ever listed as leftovers. A container already stopped or
 * gone is no error; any other failure is logged, never thrown.
 */
final class ContainerCleanup {
    private static final Logger log = LoggerFactory.getLogger(ContainerCleanup.class);

    private final DockerClient docker;
    private final String instance;
    /** In cluster mode, this member's id: leftovers must carry it too. */
    private volatile String member;

    ContainerCleanup(DockerClient docker, String instance) {
        this.docker = docker;
        this.instance = instance;
    }

    void setMember(String member) {
        this.member = member;
    }

    /**
     * Removes this instance's containers whose run is not in {@code activeRunIds}; how many. In
     * cluster mode only those that also carry this member's id.
     */
    int removeLeftovers(Set<String> activeRunIds) {
        int n = 0;
        try {
            String m = member;
            List<Container> list = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(m == null ? Map.of(ContainerLabels.INSTANCE, instance)
                            : Map.of(ContainerLabels.INSTANCE, instance, ContainerLabels.MEMBER, m)).exec();
            for (Container c : list) {
                String runId = c.getLabels() == null ? null : c.getLabels().get(ContainerLabels.RUN_ID);
                if (runId != null && !activeRunIds.contains(runId)) {
                    remove(c.getId());
                    n++;
                }
            }
        } catch (RuntimeException e) {
            log.warn("cannot list leftover containers: {}", e.getMessage());
        }
        return n;
    }

    /**
     * Removes the containers of run {@code runId} labelled with cluster member {@code member} (a gone
     * member whose run this one took over), if they are on this engine; how many.
     */
    int removeContainersOf(String runId, String member) {
        int n = 0;
        try {
            for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(
                    Map.of(ContainerLabels.RUN_ID, runId, ContainerLabels.MEMBER, member)).exec()) {
                remove(c.getId());
                n++;
            }
        } catch (RuntimeException e) {
            log.warn("cannot list the containers of run {}: {}", runId, e.getMessage());
        }
        return n;
    }

    /** Stops a container (SIGTERM, then SIGKILL after {@link DockerContainerRunner#STOP_GRACE}). */
    void stopQuietly(String id) {
        try {
            docker.stopContainerCmd(id).withTimeout((int) DockerContainerRunner.STOP_GRACE.getSeconds()).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped or gone: nothing to do
        } catch (RuntimeException e) {
            log.warn("cannot stop container {}: {}", id, e.getMessage());
        }
    }

    /** Stops a container at once (SIGKILL): a collector over its output bounds gets no grace to write more. */
    void kill(String id) {
        try {
            docker.killContainerCmd(id).exec();
        } catch (NotModifiedException | NotFoundException e) {
            // already stopped or gone
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("is not running")) {
                log.warn("cannot kill container {}: {}", id, e.getMessage());
            }
        }
    }

    /** Removes a container and its anonymous volumes, running or not. */
    void remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already removed
        } catch (RuntimeException e) {
            log.warn("cannot remove container {}: {}", id, e.getMessage());
        }
    }
}

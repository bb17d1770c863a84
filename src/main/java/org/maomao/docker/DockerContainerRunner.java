package org.maomao.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.maomao.run.Cancellation;
import org.maomao.run.ContainerResult;
import org.maomao.run.ContainerRunner;
import org.maomao.run.ContainerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.WaitContainerCondition;

/**
 * Runs collectors through the Docker Engine API: create (labelled, hardened, with the
 * contract's mounts and env), start, follow the log, wait with the policy's timeout,
 * stop on timeout or cancel, and always remove the container. Images are never pulled:
 * they must be built or loaded into the engine beforehand. Stopping and removing
 * containers, and the leftovers of a stopped daemon, are {@link ContainerCleanup}'s.
 */
public final class DockerContainerRunner implements ContainerRunner {
    private static final Logger log = LoggerFactory.getLogger(DockerContainerRunner.class);
    /** Time between SIGTERM and SIGKILL when a container is stopped. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /** How often a running container's /output is measured against max_output and max_output_files. */
    public static final Duration OUTPUT_CHECK_EVERY = Duration.ofMillis(200);

    private final DockerClient docker;
    private final ContainerUser user;
    private final String instance;
    private final boolean chownOutput;
    private final OutputWatcher watcher;
    private final ContainerCleanup cleanup;
    /** This daemon's cluster member id, put on every container it creates; null outside cluster mode. */
    private volatile String member;

    /**
     * @param user     the unprivileged {@code uid:gid} the container runs as (never root)
     * @param instance this daemon's instance id, put on every container it creates; only
     *                 containers carrying it are ever removed as leftovers
     */
    public DockerContainerRunner(DockerClient docker, ContainerUser user, String instance) {
        this(docker, user, instance, OUTPUT_CHECK_EVERY);
    }

    /** With another interval between two measures of a running container's /output (for tests). */
    DockerContainerRunner(DockerClient docker, ContainerUser user, String instance, Duration outputCheckEvery) {
        this.docker = docker;
        this.watcher = new OutputWatcher(outputCheckEvery);
        this.user = user;
        this.instance = instance;
        this.cleanup = new ContainerCleanup(docker, instance);
        // a root daemon gives /output to the container's user; otherwise that user is the daemon itself
        this.chownOutput = ContainerUser.processIsRoot();
    }

    @Override
    public String imageId(String image) throws ContainerException {
        try {
            return docker.inspectImageCmd(image).exec().getId();
        } catch (NotFoundException e) {
            throw missingImage(image, e);
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
    }

    @Override
    public ContainerResult run(ContainerSpec spec, LineSink sink, Cancellation cancellation) throws ContainerException {
        String id;
        prepareOutput(spec.outputDir());
        try {
            List<String> env = new ArrayList<>();
            spec.env().forEach((k, v) -> env.add(k + "=" + v));
            CreateContainerResponse created = docker.createContainerCmd(spec.image())
                    .withName("maomao-" + spec.collector() + "-" + spec.runId() + "-" + spec.attempt())
                    .withLabels(labels(spec))
                    .withEnv(env)
                    .withUser(user.toString())
                    .withHostConfig(ContainerHardening.hostConfig(spec))
                    .exec();
            id = created.getId();
        } catch (NotFoundException e) {
            throw missingImage(spec.image(), e);
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
        LogFollower follower = new LogFollower(sink);
        boolean interrupted = false;
        try {
            // attached before start: nothing the collector prints can be missed, not even a last
            // line without a newline (following the log driver instead loses it on engine 20.10)
            docker.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(true)
                    .exec(follower).awaitStarted(10, TimeUnit.SECONDS);
            // like `docker run`, wait for the next exit before starting: the engine registers the
            // wait before it answers, so even an instant exit is seen, without a round trip after start
            try (ExitWait wait = docker.waitContainerCmd(id).withCondition(WaitContainerCondition.NEXT_EXIT)
                    .exec(new ExitWait())) {
                wait.awaitStarted(10, TimeUnit.SECONDS);
                String container = id;
                try (OutputWatcher.Watch overflow = watcher.watch(spec.outputDir(), spec.policy(), () -> cleanup.kill(container))) {
                    docker.startContainerCmd(id).exec();
                    cancellation.onCancel(() -> cleanup.stopQuietly(container));
                    ContainerResult r = awaitExit(spec, id, wait, follower, cancellation);
                    // the last measure: a collector may exit between two checks with too much output
                    String over = overflow.finalCheck();
                    if (over != null) {
                        log.warn("run {} of {}: {}", spec.runId(), spec.collector(), over);
                        return new ContainerResult(r.exitCode(), r.timedOut(), r.cancelled(), over);
                    }
                    return r;
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            throw new ContainerException("the daemon stopped while the container ran", true, e);
        } catch (IOException e) {
            throw new ContainerException("Docker engine connection failed: " + e.getMessage(), true, e);
        } catch (RuntimeException e) {
            throw unreachable(e);
        } finally {
            follower.closeQuietly();
            cleanup.remove(id);
            if (interrupted) {
                // passed on only now: with the flag set, the Docker calls above would fail
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the exit, stopping the container at its timeout; then drains the log. */
    private ContainerResult awaitExit(ContainerSpec spec, String id, ExitWait wait, LogFollower follower,
                                      Cancellation cancellation) throws InterruptedException {
        boolean timedOut = false;
        Integer exit = wait.await(spec.policy().timeout());
        if (exit == null && !cancellation.isCancelled()) {
            timedOut = true;
            log.info("run {} of {} timed out after {}; stopping its container", spec.runId(), spec.collector(),
                    spec.policy().timeout());
            cleanup.stopQuietly(id);
        }
        if (exit == null) {
            exit = wait.await(STOP_GRACE.plusSeconds(30));
        }
        if (exit == null) {
            exit = docker.inspectContainerCmd(id).exec().getState().getExitCodeLong().intValue();
        }
        follower.drain();
        return new ContainerResult(exit, timedOut, cancellation.isCancelled());
    }

    private Map<String, String> labels(ContainerSpec spec) {
        Map<String, String> labels = new java.util.HashMap<>(Map.of(ContainerLabels.RUN_ID, spec.runId(),
                ContainerLabels.COLLECTOR, spec.collector(), ContainerLabels.ATTEMPT, Integer.toString(spec.attempt()),
                ContainerLabels.INSTANCE, instance));
        String m = member;
        if (m != null) {
            labels.put(ContainerLabels.MEMBER, m);
        }
        return labels;
    }

    /** Labels every container created from now on with this cluster member id; leftovers are then only its own. */
    public void setMember(String member) {
        this.member = member;
        cleanup.setMember(member);
    }

    @Override
    public int removeLeftovers(Set<String> activeRunIds) {
        return cleanup.removeLeftovers(activeRunIds);
    }

    @Override
    public int removeContainersOf(String runId, String member) {
        return cleanup.removeContainersOf(runId, member);
    }

    @Override
    public boolean isAvailable() {
        try {
            docker.pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Makes the run's /output folder writable for the container's user: a root daemon
     * gives it to that user (mode 0700, so no other uid on the host reads it); the daemon
     * itself, as root, can still read, ingest and delete everything written there.
     */
    private void prepareOutput(Path dir) throws ContainerException {
        if (!chownOutput) {
            return;
        }
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new ContainerException("the run's output folder " + dir + " is not a folder", false, null);
            }
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:uid", (int) user.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:gid", (int) user.gid(), LinkOption.NOFOLLOW_LINKS);
            view.setPermissions(PosixFilePermissions.fromString("rwx------"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new ContainerException("cannot give the run's output folder " + dir + " to the container's user "
                    + user + ": " + e.getMessage(), false, e);
        }
    }

    private static ContainerException missingImage(String image, Exception e) {
        return new ContainerException("image " + image + " is not in the Docker engine: build or load it first "
                + "(maomao never pulls images)", false, e);
    }

    private static ContainerException unreachable(RuntimeException e) {
        String kind = e instanceof DockerException ? "Docker refused: " : "Docker engine not reachable: ";
        return new ContainerException(kind + e.getMessage(), true, e);
    }
}

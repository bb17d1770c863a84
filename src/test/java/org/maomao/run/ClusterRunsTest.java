package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.ManualExecutor;

/**
 * Two members' executors on one store, driven by hand (one slot each, tasks run when the test
 * says, the members' looks at the store called directly): a member takes a queued run only into
 * a free slot and another takes the rest; a gone member's running run is taken over once and
 * retried; an attempt that lost its run while its container ran neither commits nor ends it.
 */
class ClusterRunsTest {
    @TempDir
    Path dir;

    /** A second member sharing the harness's store, collectors, engine and datasets. */
    private static RunExecutor secondMember(PipelineHarness h, ManualExecutor pool, Path runsDir) {
        return new RunExecutor(h.store, h.registry, h.runner, h.datasets, h.analyzer, runsDir, h.clock, pool, false);
    }

    @Test
    void a_busy_member_leaves_a_run_queued_and_a_member_with_a_free_slot_takes_it() {
        PipelineHarness h = new PipelineHarness(dir).collector("c", "none", Map.of());
        ManualExecutor pool2 = new ManualExecutor();
        RunExecutor m2 = secondMember(h, pool2, dir.resolve("runs"));
        h.executor.joinCluster("m1", () -> Set.of("m1", "m2"));
        m2.joinCluster("m2", () -> Set.of("m1", "m2"));
        AtomicReference<String> second = new AtomicReference<>();
        // while m1's one slot runs the first run, a second is posted to m1: it stays queued, and m2 takes it
        h.runner.then((spec, sink, cancellation) -> {
            second.set(h.executor.submit("c", null, "manual", null).id());
            assertThat(h.pool.pending()).as("m1 is busy: the run is not queued on it").isZero();
            m2.cluster().poll();
            assertThat(pool2.pending()).isEqualTo(1);
            return new ContainerResult(0, false, false);
        }).then(FakeContainerRunner.exit(0));

        String first = h.executor.submit("c", null, "manual", null).id();
        h.runQueued();
        pool2.runAll();

        assertThat(h.run(first)).extracting(Run::state, Run::member).containsExactly(RunState.SUCCEEDED, "m1");
        assertThat(h.run(second.get())).extracting(Run::state, Run::member).containsExactly(RunState.SUCCEEDED, "m2");
        assertThat(h.store.events(second.get())).filteredOn(e -> e.type().equals("started"))
                .extracting(RunEvent::payload).singleElement().asString().contains("\"member\":\"m2\"");
        // m1, its slot free again, finds nothing left to take
        h.executor.cluster().poll();
        assertThat(h.pool.pending()).isZero();
    }

    @Test
    void a_gone_members_running_run_is_taken_over_once_and_retried_by_a_survivor() {
        PipelineHarness h = new PipelineHarness(dir).collector("c", "none", Map.of("retries", "2", "retry_backoff", "1s"));
        RunExecutor m2 = secondMember(h, new ManualExecutor(), dir.resolve("runs"));
        h.executor.joinCluster("m1", () -> Set.of("m1", "m2"));
        m2.joinCluster("m2", () -> Set.of("m1", "m2"));
        Run queued = h.executor.submit("c", null, "manual", null);
        // m3 had claimed it and is gone (not in the list)
        Run dead = queued.moveTo(RunState.RUNNING).withAttempt(1, PipelineHarness.T0).withOwner("m3", "fence-m3");
        assertThat(h.store.claim(dead, false)).isTrue();
        h.pool.runAll(); // m1's task finds the run claimed and does nothing

        h.executor.cluster().poll();
        m2.cluster().poll();

        assertThat(h.state(queued.id())).isEqualTo(RunState.RETRYING);
        assertThat(h.store.events(queued.id())).filteredOn(e -> e.type().equals("lost")).singleElement()
                .extracting(RunEvent::payload).asString().contains("\"member\":\"m3\"", "\"by\":\"m1\"");
        assertThat(h.events(queued.id())).filteredOn("retry_scheduled"::equals).hasSize(1);
        h.runner.then(FakeContainerRunner.exit(0));
        h.fireRetriesAfter(Duration.ofSeconds(1));
        h.runQueued();
        assertThat(h.run(queued.id())).extracting(Run::state, Run::attempt, Run::member)
                .containsExactly(RunState.SUCCEEDED, 2, "m1");
    }

    @Test
    void a_member_that_cannot_see_itself_in_the_list_takes_nothing_over() {
        PipelineHarness h = new PipelineHarness(dir).collector("c", "none", Map.of());
        h.executor.joinCluster("m1", Set::of); // etcd unreachable: an empty list
        Run other = h.executor.submit("c", null, "manual", null);
        Run dead = other.moveTo(RunState.RUNNING).withAttempt(1, PipelineHarness.T0).withOwner("m3", "f");
        assertThat(h.store.claim(dead, false)).isTrue();
        h.pool.runAll(); // m1's task finds the run claimed

        h.executor.cluster().poll();

        assertThat(h.state(other.id())).isEqualTo(RunState.RUNNING);
        assertThat(h.events(other.id())).doesNotContain("lost");
    }

    @Test
    void an_attempt_that_lost_its_run_while_its_container_ran_neither_commits_nor_ends_it() {
        PipelineHarness h = new PipelineHarness(dir).collector("c", "ds", Map.of("retries", "2", "retry_backoff", "1s"));
        RunExecutor m2 = secondMember(h, new ManualExecutor(), dir.resolve("runs"));
        h.executor.joinCluster("m1", () -> Set.of("m1", "m2"));
        m2.joinCluster("m2", () -> Set.of("m2"));
        AtomicReference<String> runId = new AtomicReference<>();
        // while m1's container runs, m1 is paused past its lease: m2 takes the run over
        h.runner.then((spec, sink, cancellation) -> {
            m2.cluster().takeOver(h.run(runId.get()));
            sink.line("stdout", "::progress 50");
            java.nio.file.Files.writeString(spec.outputDir().resolve("rows.csv"), "t,v\n1,1\n");
            return new ContainerResult(0, false, false);
        });
        runId.set(h.executor.submit("c", null, "manual", null).id());

        h.runQueued();

        Run r = h.run(runId.get());
        assertThat(r.state()).isEqualTo(RunState.RETRYING);
        assertThat(r.member()).isEqualTo("m1");
        assertThat(r.progress()).as("the lost attempt's progress is not stored").isNull();
        assertThat(h.datasets.commits).as("nothing committed").isEmpty();
        assertThat(h.events(runId.get())).containsExactly("submitted", "started", "lost", "retry_scheduled");
        assertThat(h.ended).isEmpty();
    }

    @Test
    void a_run_cancelled_through_another_member_stops_on_the_member_that_runs_it() {
        PipelineHarness h = new PipelineHarness(dir).collector("c", "none", Map.of());
        RunExecutor m2 = secondMember(h, new ManualExecutor(), dir.resolve("runs"));
        h.executor.joinCluster("m1", () -> Set.of("m1", "m2"));
        m2.joinCluster("m2", () -> Set.of("m1", "m2"));
        AtomicReference<String> runId = new AtomicReference<>();
        h.runner.then((spec, sink, cancellation) -> {
            assertThat(m2.cancel(runId.get())).isTrue();
            h.executor.cluster().poll(); // m1 sees its attempt lost: the container is stopped
            assertThat(cancellation.isCancelled()).isTrue();
            return new ContainerResult(137, false, true);
        });
        runId.set(h.executor.submit("c", null, "manual", null).id());

        h.runQueued();

        assertThat(h.run(runId.get()).state()).isEqualTo(RunState.CANCELLED);
        assertThat(h.events(runId.get())).containsExactly("submitted", "started", "finished");
    }

    @Test
    void overlap_queue_holds_across_members_a_second_run_waits_while_the_first_runs_on_another() {
        PipelineHarness h = new PipelineHarness(dir).collector("c", "none", Map.of("overlap", "queue"));
        ManualExecutor pool2 = new ManualExecutor();
        RunExecutor m2 = secondMember(h, pool2, dir.resolve("runs"));
        h.executor.joinCluster("m1", () -> Set.of("m1", "m2"));
        m2.joinCluster("m2", () -> Set.of("m1", "m2"));
        AtomicReference<String> second = new AtomicReference<>();
        h.runner.then((spec, sink, cancellation) -> {
            // a firing while the first runs on m1: m2 is free, but the run must wait
            second.set(h.executor.submitScheduled("c", "none", "c@none").id());
            m2.cluster().poll();
            pool2.runAll();
            assertThat(h.state(second.get())).isEqualTo(RunState.QUEUED);
            return new ContainerResult(0, false, false);
        }).then(FakeContainerRunner.exit(0));

        h.executor.submitScheduled("c", "none", "c@none");
        h.runQueued();
        m2.cluster().poll();
        pool2.runAll();
        h.runQueued();

        assertThat(h.run(second.get())).extracting(Run::state, Run::attempt).containsExactly(RunState.SUCCEEDED, 1);
        assertThat(h.runner.started).hasSize(2);
    }

    @Test
    void a_poll_reads_no_more_queued_runs_than_its_free_slots_whatever_the_backlog() {
        PipelineHarness h = new PipelineHarness(dir).collector("c", "none", Map.of());
        // a backlog of 300 queued runs (m1 stays out of the cluster and never runs its queue)
        List<String> queued = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            h.clock.advance(Duration.ofMillis(1));
            queued.add(h.executor.submit("c", null, "manual", null).id());
        }
        ReadCountingRunStore counting = new ReadCountingRunStore(h.store);
        ManualExecutor pool2 = new ManualExecutor();
        RunExecutor m2 = new RunExecutor(counting, h.registry, h.runner, h.datasets, h.analyzer, dir.resolve("runs"),
                h.clock, pool2, false);
        m2.joinCluster("m2", () -> Set.of("m1", "m2"));

        m2.cluster().poll();

        assertThat(counting.queuedRead.get()).as("queued runs read by a poll with one free slot").isEqualTo(1);
        assertThat(pool2.pending()).isEqualTo(1);
        h.runner.then(FakeContainerRunner.exit(0));
        pool2.runAll();
        assertThat(h.state(queued.get(0))).as("the oldest").isEqualTo(RunState.SUCCEEDED);
        assertThat(h.state(queued.get(1))).isEqualTo(RunState.QUEUED);
        // its slot busy, a poll reads no queued run at all
        h.runner.then((spec, sink, cancellation) -> {
            counting.queuedRead.set(0);
            m2.cluster().poll();
            assertThat(counting.queuedRead.get()).isZero();
            return new ContainerResult(0, false, false);
        });
        m2.cluster().poll();
        pool2.runAll();
        assertThat(h.state(queued.get(1))).isEqualTo(RunState.SUCCEEDED);
    }

    @Test
    void a_queued_run_that_must_wait_does_not_hold_up_the_runs_behind_it() {
        PipelineHarness h = new PipelineHarness(dir).collector("c", "none", Map.of("overlap", "queue"))
                .collector("d", "none", Map.of());
        ManualExecutor pool2 = new ManualExecutor();
        RunExecutor m2 = secondMember(h, pool2, dir.resolve("runs"));
        h.executor.joinCluster("m1", () -> Set.of("m1", "m2"));
        m2.joinCluster("m2", () -> Set.of("m1", "m2"));
        AtomicReference<String> waiting = new AtomicReference<>();
        AtomicReference<String> other = new AtomicReference<>();
        h.runner.then((spec, sink, cancellation) -> {
            // while c's first run runs on m1: a firing of c (which must wait) and then a run of d are queued
            h.clock.advance(Duration.ofMillis(1));
            waiting.set(h.executor.submitScheduled("c", "none", "c@none").id());
            h.clock.advance(Duration.ofMillis(1));
            other.set(h.executor.submit("d", null, "manual", null).id());
            m2.cluster().poll(); // m2's one slot: the oldest, c's firing, which cannot be claimed now
            pool2.runAll();
            assertThat(h.state(waiting.get())).isEqualTo(RunState.QUEUED);
            m2.cluster().poll(); // the next poll takes d's run, behind it
            pool2.runAll();
            assertThat(h.state(other.get())).isEqualTo(RunState.SUCCEEDED);
            assertThat(h.state(waiting.get())).isEqualTo(RunState.QUEUED);
            return new ContainerResult(0, false, false);
        }).then(FakeContainerRunner.exit(0)).then(FakeContainerRunner.exit(0));

        h.executor.submitScheduled("c", "none", "c@none");
        h.runQueued();
        // c's first run is over: the firing that waited is offered again and runs
        m2.cluster().poll();
        pool2.runAll();
        h.runQueued();

        assertThat(h.run(waiting.get()).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.runner.started).hasSize(3);
    }
}

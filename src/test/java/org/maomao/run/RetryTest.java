package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.InMemoryRunStore;

/** Retries: the decision, the doubling backoff, the timer that claims a due retry from the store. */
class RetryTest {
    @TempDir
    Path dir;
    PipelineHarness h;

    @BeforeEach
    void setUp() {
        h = new PipelineHarness(dir);
    }

    @Test
    void should_retry_a_failed_attempt_at_its_doubling_backoff_and_end_failed_after_the_last() {
        h.collector("flaky", "none", Map.of("retries", "2", "retry_backoff", "10s", "retry_backoff_max", "15s"));
        h.runner.then(FakeContainerRunner.exit(1)).then(FakeContainerRunner.exit(1)).then(FakeContainerRunner.exit(3));
        String id = h.executor.submit("flaky", null, "manual", null).id();
        h.runQueued();

        Run retrying = h.run(id);
        assertThat(retrying.state()).isEqualTo(RunState.RETRYING);
        assertThat(retrying.nextRetryAt()).isEqualTo(PipelineHarness.T0.plusSeconds(10));
        assertThat(retrying.message()).isEqualTo("the collector exited with code 1");
        assertThat(h.fireRetriesAfter(Duration.ofSeconds(9))).isZero();
        assertThat(h.fireRetriesAfter(Duration.ofSeconds(1))).isEqualTo(1);
        assertThat(h.state(id)).isEqualTo(RunState.QUEUED);
        assertThat(h.run(id).nextRetryAt()).isNull();
        h.runQueued();

        // the second backoff doubles to 20 s and is cut at retry_backoff_max
        assertThat(h.run(id).nextRetryAt()).isEqualTo(h.clock.instant().plusSeconds(15));
        assertThat(h.fireRetriesAfter(Duration.ofSeconds(15))).isEqualTo(1);
        h.runQueued();

        Run done = h.run(id);
        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.attempt()).isEqualTo(3);
        assertThat(done.exitCode()).isEqualTo(3);
        assertThat(done.message()).isEqualTo("the collector exited with code 3");
        assertThat(h.runner.started).extracting(s -> s.env().get("MAOMAO_ATTEMPT")).containsExactly("1", "2", "3");
        assertThat(h.events(id)).containsExactly("submitted", "started", "exited", "retry_scheduled", "started", "exited",
                "retry_scheduled", "started", "exited", "finished");
        assertThat(h.ended).hasSize(1);
        assertThat(h.log(id)).contains("attempt 1 of 3", "attempt 2 of 3", "attempt 3 of 3");
    }

    @Test
    void should_succeed_on_a_retry_with_one_commit() {
        h.collector("flaky", "flaky", Map.of("retries", "1", "retry_backoff", "1s"));
        h.runner.then(FakeContainerRunner.exit(1)).then(FakeContainerRunner.writes("rows.csv", "t,v\n1,1\n"));
        String id = h.executor.submit("flaky", null, "manual", null).id();
        h.runQueued();
        h.fireRetriesAfter(Duration.ofSeconds(1));
        h.runQueued();
        Run done = h.run(id);
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.exitCode()).isZero();
        assertThat(done.message()).isNull();
        assertThat(h.datasets.commits).containsOnlyKeys(id);
        assertThat(h.events(id)).containsSubsequence("started", "exited", "retry_scheduled", "started", "exited",
                "committed", "finished");
    }

    @Test
    void should_retry_without_starting_the_collector_when_its_dataset_cannot_be_brought_up_to_its_remote() {
        h.collector("reader", "shared", Map.of("retries", "1", "retry_backoff", "1s"));
        h.datasets.catchUpFailsWith = "cannot fetch the remote of dataset shared (connection refused)";
        h.runner.then(FakeContainerRunner.writes("rows.csv", "t,v\n1,1\n"));
        String id = h.executor.submit("reader", null, "manual", null).id();
        h.runQueued();
        Run retrying = h.run(id);
        assertThat(retrying.state()).isEqualTo(RunState.RETRYING);
        assertThat(retrying.message()).isEqualTo("cannot fetch the remote of dataset shared (connection refused); "
                + "the collector was not started");
        assertThat(h.runner.started).as("no container for an attempt whose /input would be stale").isEmpty();
        h.fireRetriesAfter(Duration.ofSeconds(1));
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.datasets.catchUps).isEqualTo(2);
        assertThat(h.runner.started).hasSize(1);
        assertThat(h.datasets.commits).containsOnlyKeys(id);
    }

    @Test
    void should_retry_a_timeout_and_end_timed_out_when_no_attempt_is_left() {
        h.collector("slow", "none", Map.of("retries", "1", "retry_backoff", "1s", "timeout", "5s"));
        FakeContainerRunner.Script timeout = (spec, sink, c) -> new ContainerResult(137, true, false);
        h.runner.then(timeout).then(timeout);
        String id = h.executor.submit("slow", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.RETRYING);
        h.fireRetriesAfter(Duration.ofSeconds(1));
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.TIMED_OUT);
        assertThat(h.run(id).message()).isEqualTo("timed out after PT5S");
        assertThat(h.log(id)).contains("=== maomao: timed out after PT5S ===");
    }

    @Test
    void should_retry_a_docker_failure_that_may_pass_and_not_one_that_cannot() {
        h.collector("dock", "none", Map.of("retries", "1", "retry_backoff", "1s"));
        h.runner.then((spec, sink, c) -> {
            throw new ContainerRunner.ContainerException("the Docker engine did not answer", true, null);
        }).then((spec, sink, c) -> {
            throw new ContainerRunner.ContainerException("the image's platform is not supported", false, null);
        });
        String id = h.executor.submit("dock", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.RETRYING);
        assertThat(h.run(id).message()).isEqualTo("the Docker engine did not answer");
        h.fireRetriesAfter(Duration.ofSeconds(1));
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.FAILED);
        assertThat(h.run(id).message()).isEqualTo("the image's platform is not supported");
        assertThat(h.errors).containsEntry("docker", 2);
    }

    @Test
    void should_decide_the_retry_time_from_the_collector_policy() {
        h.collector("p", "none", Map.of("retries", "5", "retry_backoff", "1m", "retry_backoff_max", "10m"));
        FailureHandler decide = new FailureHandler(h.store, h.registry, h.clock, null, at -> { });
        Run failed = Run.queued("r", "p", "none", "img", "manual", null, 6, PipelineHarness.T0)
                .moveTo(RunState.RUNNING).withAttempt(3, PipelineHarness.T0);
        assertThat(decide.retryAt(failed, true)).isEqualTo(PipelineHarness.T0.plus(Duration.ofMinutes(4)));
        assertThat(decide.retryAt(failed, false)).isNull();
        assertThat(decide.retryAt(failed.withAttempt(6, PipelineHarness.T0), true)).isNull();
        assertThat(decide.retryAt(failed.withAttempt(5, PipelineHarness.T0), true))
                .isEqualTo(PipelineHarness.T0.plus(Duration.ofMinutes(10)));
    }

    @Test
    void should_claim_a_due_retry_once_when_two_timers_share_the_store() {
        h.collector("flaky", "none", Map.of("retries", "1", "retry_backoff", "1s"));
        h.runner.then(FakeContainerRunner.exit(1));
        String id = h.executor.submit("flaky", null, "manual", null).id();
        h.runQueued();
        Run seen = h.run(id);
        // another daemon's timer read the same row and claims it first
        RetryTimer other = new RetryTimer(h.store, h.clock, claimed -> { });
        assertThat(other.claim(seen)).isTrue();
        assertThat(h.executor.retryTimer().claim(seen)).isFalse();
        assertThat(h.pool.pending()).isZero();
    }

    @Test
    void should_queue_a_retry_at_its_time_from_the_timer_thread() throws Exception {
        InMemoryRunStore store = new InMemoryRunStore(Clock.systemUTC());
        Instant soon = Instant.now().plusMillis(50);
        store.insert(Run.queued("r1", "c", "none", "img", "manual", null, 2, Instant.now()));
        Run running = store.find("r1").orElseThrow().moveTo(RunState.RUNNING).withAttempt(1, Instant.now());
        store.update(running, RunState.QUEUED);
        CountDownLatch queued = new CountDownLatch(1);
        try (RetryTimer timer = new RetryTimer(store, Clock.systemUTC(), id -> queued.countDown())) {
            timer.start();
            // the timer looks at once; whether that look sees this retry or the wake tells it, it fires at its time,
            // long before the next poll
            store.update(running.moveTo(RunState.RETRYING).withNextRetryAt(soon), RunState.RUNNING);
            timer.wake(soon);
            assertThat(queued.await(RetryTimer.POLL.toMillis() - 1000, TimeUnit.MILLISECONDS)).isTrue();
        }
        assertThat(store.find("r1").orElseThrow().state()).isEqualTo(RunState.QUEUED);
    }
}

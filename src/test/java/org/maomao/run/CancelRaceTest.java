package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cancel at every point of a run's life: exactly one of the cancel and the run's own move wins. */
class CancelRaceTest {
    @TempDir
    Path dir;
    PipelineHarness h;

    @BeforeEach
    void setUp() {
        h = new PipelineHarness(dir);
        h.collector("c", "ds", Map.of("retries", "2", "retry_backoff", "10s"));
    }

    @Test
    void should_cancel_a_queued_run_before_any_container_starts() {
        String id = h.executor.submit("c", null, "manual", null).id();
        assertThat(h.executor.cancel(id)).isTrue();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.CANCELLED);
        assertThat(h.run(id).startedAt()).isNull();
        assertThat(h.runner.started).isEmpty();
        assertThat(h.events(id)).containsExactly("submitted", "finished");
    }

    @Test
    void should_cancel_a_running_run_without_retrying_or_committing_it() {
        String[] id = new String[1];
        boolean[] answered = new boolean[1];
        h.runner.then((spec, sink, cancellation) -> {
            Files.writeString(spec.outputDir().resolve("rows.csv"), "t,v\n1,1\n");
            answered[0] = h.executor.cancel(id[0]); // the API's cancel arrives while the container runs
            return new ContainerResult(137, false, cancellation.isCancelled());
        });
        id[0] = h.executor.submit("c", null, "manual", null).id();
        h.runQueued();
        assertThat(answered[0]).isTrue();
        Run done = h.run(id[0]);
        assertThat(done.state()).isEqualTo(RunState.CANCELLED);
        assertThat(done.message()).isEqualTo("cancelled");
        assertThat(h.events(id[0])).doesNotContain("retry_scheduled", "committed");
        assertThat(h.events(id[0])).containsSubsequence("started", "cancel_requested", "finished"); // stored before the answer
        assertThat(h.datasets.ingests).isZero();
    }

    @Test
    void should_cancel_a_run_whose_container_exited_0_after_the_cancel_came() {
        String[] id = new String[1];
        h.runner.then((spec, sink, cancellation) -> {
            h.executor.cancel(id[0]);
            Files.writeString(spec.outputDir().resolve("rows.csv"), "t,v\n1,1\n");
            return new ContainerResult(0, false, false); // the container did not notice
        });
        id[0] = h.executor.submit("c", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id[0])).isEqualTo(RunState.CANCELLED);
        assertThat(h.datasets.commits).isEmpty();
    }

    @Test
    void should_cancel_a_retrying_run_so_that_its_retry_never_starts() {
        h.runner.then(FakeContainerRunner.exit(1));
        String id = h.executor.submit("c", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.RETRYING);
        assertThat(h.executor.cancel(id)).isTrue();
        assertThat(h.fireRetriesAfter(Duration.ofMinutes(1))).isZero();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.CANCELLED);
        assertThat(h.runner.started).hasSize(1);
        assertThat(h.events(id)).endsWith("retry_scheduled", "finished");
    }

    @Test
    void should_not_queue_a_retry_the_timer_read_just_before_a_cancel() {
        h.runner.then(FakeContainerRunner.exit(1));
        String id = h.executor.submit("c", null, "manual", null).id();
        h.runQueued();
        Run readByTimer = h.run(id);
        h.executor.cancel(id);
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(h.executor.retryTimer().claim(readByTimer)).isFalse();
        assertThat(h.pool.pending()).isZero();
        assertThat(h.state(id)).isEqualTo(RunState.CANCELLED);
    }

    @Test
    void should_not_cancel_a_run_that_has_ended() {
        h.runner.then(FakeContainerRunner.writes("rows.csv", "t,v\n1,1\n"));
        String id = h.executor.submit("c", null, "manual", null).id();
        h.runQueued();
        assertThat(h.executor.cancel(id)).isFalse();
        assertThat(h.state(id)).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.events(id).stream().filter("finished"::equals)).hasSize(1);
        assertThat(h.executor.cancel("no-such-run")).isFalse();
    }

    @Test
    void should_let_a_cancel_win_over_a_run_that_was_taken_from_the_queue_but_not_yet_started() {
        String id = h.executor.submit("c", null, "manual", null).id();
        // the worker has read the run as queued and looks up its collector: the cancel lands now
        boolean[] answered = new boolean[1];
        h.collectors.onFind(() -> answered[0] = h.executor.cancel(id));
        h.runQueued();
        assertThat(answered[0]).isTrue();
        assertThat(h.state(id)).isEqualTo(RunState.CANCELLED);
        assertThat(h.runner.started).isEmpty();
        assertThat(h.events(id)).containsExactly("submitted", "finished");
        assertThat(h.executor.activeRunIds()).isEmpty();
    }
}

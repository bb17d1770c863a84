package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.spike.TableRows;

/** A daemon that starts on the runs a crashed one left: running (with or without its commit), retrying, queued. */
class RecoveryTest {
    @TempDir
    Path dir;
    PipelineHarness h;

    @BeforeEach
    void setUp() {
        h = new PipelineHarness(dir);
        h.collector("c", "ds", Map.of("retries", "2", "retry_backoff", "10s"));
    }

    /** A run the previous process had moved to {@code state} at attempt {@code attempt}. */
    Run left(RunState state, int attempt) {
        Run r = Run.queued("run-" + state.id() + "-" + attempt, "c", "ds", "maomao-test/c:1", "manual", null, 3,
                PipelineHarness.T0.minusSeconds(60));
        h.store.insert(r);
        if (state == RunState.QUEUED) {
            return r;
        }
        Run running = r.moveTo(RunState.RUNNING).withAttempt(attempt, PipelineHarness.T0.minusSeconds(30));
        h.store.update(running, RunState.QUEUED);
        if (state == RunState.RUNNING) {
            return running;
        }
        Run retrying = running.moveTo(RunState.RETRYING).withNextRetryAt(PipelineHarness.T0.minusSeconds(5));
        h.store.update(retrying, RunState.RUNNING);
        return retrying;
    }

    @Test
    void should_end_a_running_run_that_had_committed_as_succeeded_without_running_it_again() throws Exception {
        Run r = left(RunState.RUNNING, 1);
        String commit = h.datasets.commitMadeBefore(r.id(), List.of(new TableRows("level.csv", "t,v", List.of("1,100", "2,900"))));
        // killed between the commit and the ingest's clean-up: its output is still in the run's folder
        java.nio.file.Path output = java.nio.file.Files.createDirectories(h.runsDir.resolve(r.id()).resolve("output"));
        java.nio.file.Files.writeString(output.resolve("level.csv"), "t,v\n1,100\n2,900\n");

        h.executor.recover();
        h.runQueued();

        Run done = h.run(r.id());
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.commit()).isEqualTo(commit);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(h.runner.started).isEmpty();
        assertThat(h.events(r.id())).containsExactly("committed", "spike", "analysed", "finished");
        assertThat(h.store.events(r.id()).get(0).payload()).contains("\"earlier\":true");
        assertThat(h.analyzer.analysedRuns).containsExactly(r.id());
        assertThat(h.runner.leftoverSweeps).isEqualTo(1);
        assertThat(output).doesNotExist(); // it is in the dataset now
    }

    @Test
    void should_keep_a_cancel_answered_before_the_crash_and_not_retry_the_run() throws Exception {
        Run r = left(RunState.RUNNING, 1);
        h.store.addEvent(r.id(), "cancel_requested", null); // answered; the daemon died before the container stopped
        java.nio.file.Path output = java.nio.file.Files.createDirectories(h.runsDir.resolve(r.id()).resolve("output"));
        java.nio.file.Files.writeString(output.resolve("rows.csv"), "t,v\n1,1\n");
        h.executor.recover();
        h.fireRetriesAfter(Duration.ofMinutes(5));
        h.runQueued();
        Run done = h.run(r.id());
        assertThat(done.state()).isEqualTo(RunState.CANCELLED);
        assertThat(h.runner.started).isEmpty();
        assertThat(h.datasets.ingests).isZero();
        assertThat(output).doesNotExist();
    }

    @Test
    void should_retry_a_lost_attempt_from_an_empty_output() throws Exception {
        Run r = left(RunState.RUNNING, 1);
        java.nio.file.Path output = java.nio.file.Files.createDirectories(h.runsDir.resolve(r.id()).resolve("output"));
        java.nio.file.Files.writeString(output.resolve("half.csv"), "t,v\n1,");
        h.executor.recover();
        assertThat(h.state(r.id())).isEqualTo(RunState.RETRYING);
        assertThat(output).doesNotExist(); // never committed; before, it stayed for good when no attempt was left
    }

    @Test
    void should_not_tell_a_commit_twice_when_the_pipeline_had_stored_it_before_the_crash() {
        Run r = left(RunState.RUNNING, 1);
        String commit = h.datasets.commitMadeBefore(r.id(), List.of(new TableRows("level.csv", "t,v", List.of("2,900"))));
        h.store.update(h.run(r.id()).withCommit(commit), RunState.RUNNING, "committed", "{}");
        h.executor.recover();
        assertThat(h.state(r.id())).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.events(r.id())).containsExactly("committed", "spike", "analysed", "finished");
    }

    @Test
    void should_end_a_committed_run_whose_analysis_fails_and_not_try_it_again_at_the_next_start() {
        Run r = left(RunState.RUNNING, 1);
        h.datasets.commitMadeBefore(r.id(), List.of(new TableRows("level.csv", "t,v", List.of("2,900"))));
        h.analyzer.failWith = new OutOfMemoryError("Java heap space");
        h.executor.recover(); // before, the error escaped recover() and the daemon never started listening
        assertThat(h.state(r.id())).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.events(r.id())).containsExactly("committed", "analysed", "finished");
        assertThat(h.store.events(r.id()).get(1).payload()).contains("\"error\"", "Java heap space");
    }

    @Test
    void should_not_analyse_twice_a_commit_whose_analysis_was_stored_before_the_crash() {
        Run r = left(RunState.RUNNING, 1);
        h.datasets.commitMadeBefore(r.id(), List.of(new TableRows("level.csv", "t,v", List.of("2,900"))));
        h.store.addEvent(r.id(), "analysed", "{}");
        h.executor.recover();
        assertThat(h.state(r.id())).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.analyzer.analysedRuns).isEmpty();
        assertThat(h.notified).isEmpty();
    }

    @Test
    void should_retry_a_running_run_without_its_commit_by_its_policy() {
        Run r = left(RunState.RUNNING, 1);
        h.executor.recover();
        Run retrying = h.run(r.id());
        assertThat(retrying.state()).isEqualTo(RunState.RETRYING);
        assertThat(retrying.message()).isEqualTo("the daemon stopped during attempt 1");
        assertThat(retrying.nextRetryAt()).isEqualTo(PipelineHarness.T0.plusSeconds(10));
        assertThat(h.runner.leftoverSweeps).isEqualTo(1);

        h.runner.then(FakeContainerRunner.writes("rows.csv", "t,v\n1,1\n"));
        assertThat(h.fireRetriesAfter(Duration.ofSeconds(10))).isEqualTo(1);
        h.runQueued();
        assertThat(h.state(r.id())).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.run(r.id()).attempt()).isEqualTo(2);
    }

    @Test
    void should_fail_a_running_run_that_was_on_its_last_attempt() {
        Run r = left(RunState.RUNNING, 3);
        h.executor.recover();
        assertThat(h.state(r.id())).isEqualTo(RunState.FAILED);
        assertThat(h.run(r.id()).message()).isEqualTo("the daemon stopped during attempt 3");
        assertThat(h.events(r.id())).containsExactly("finished");
    }

    @Test
    void should_run_a_retrying_run_whose_time_passed_while_no_daemon_ran_and_wait_for_one_still_ahead() {
        Run due = left(RunState.RETRYING, 1);
        Run ahead = Run.queued("ahead", "c", "ds", "maomao-test/c:1", "manual", null, 3, PipelineHarness.T0);
        h.store.insert(ahead);
        Run aheadRunning = ahead.moveTo(RunState.RUNNING).withAttempt(1, PipelineHarness.T0);
        h.store.update(aheadRunning, RunState.QUEUED);
        h.store.update(aheadRunning.moveTo(RunState.RETRYING).withNextRetryAt(PipelineHarness.T0.plusSeconds(30)),
                RunState.RUNNING);

        h.executor.recover();
        h.runner.then(FakeContainerRunner.exit(0));
        assertThat(h.fireRetriesAfter(Duration.ZERO)).isEqualTo(1);
        h.runQueued();
        assertThat(h.state(due.id())).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.state("ahead")).isEqualTo(RunState.RETRYING);

        h.runner.then(FakeContainerRunner.exit(0));
        assertThat(h.fireRetriesAfter(Duration.ofSeconds(30))).isEqualTo(1);
        h.runQueued();
        assertThat(h.state("ahead")).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.run("ahead").attempt()).isEqualTo(2);
    }

    @Test
    void should_queue_again_the_runs_that_were_waiting() {
        Run r = left(RunState.QUEUED, 0);
        h.runner.then(FakeContainerRunner.exit(0));
        h.executor.recover();
        assertThat(h.runQueued()).isEqualTo(1);
        assertThat(h.state(r.id())).isEqualTo(RunState.SUCCEEDED);
    }
}

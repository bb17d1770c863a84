package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The steps of one run, in order, on in-memory parts: attempt, control lines, ingest, analysis, end, retention. */
class RunPipelineTest {
    @TempDir
    Path dir;
    PipelineHarness h;

    @BeforeEach
    void setUp() {
        h = new PipelineHarness(dir);
    }

    @Test
    void should_take_a_run_through_every_step_in_order() {
        h.collector("levels", "levels", Map.of());
        h.runner.then(FakeContainerRunner.writes("level.csv", "t,v\n1,100\n2,900\n"));
        String id = h.executor.submit("levels", null, "manual", null).id();
        assertThat(h.state(id)).isEqualTo(RunState.QUEUED);

        h.runQueued();

        Run done = h.run(id);
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.exitCode()).isZero();
        assertThat(done.commit()).isEqualTo(h.datasets.commits.get(id));
        assertThat(h.events(id)).containsExactly("submitted", "started", "exited", "committed", "spike", "analysed", "finished");
        assertThat(h.store.events(id).get(4).payload()).contains("\"series\":\"levels/level.csv#v\"").contains("\"run_id\":\"" + id);
        assertThat(h.notified).singleElement().satisfies(s -> assertThat(s.runId()).isEqualTo(id));
        assertThat(h.ended).singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(RunState.SUCCEEDED));
        ContainerSpec spec = h.runner.started.get(0);
        assertThat(spec.env()).containsEntry("MAOMAO_RUN_ID", id).containsEntry("MAOMAO_COLLECTOR", "levels")
                .containsEntry("MAOMAO_DATASET", "levels").containsEntry("MAOMAO_ATTEMPT", "1");
        assertThat(h.log(id)).startsWith("=== maomao: attempt 1 of 3 at ");
        assertThat(spec.outputDir()).doesNotExist(); // ingested, then deleted
        assertThat(spec.inputDir()).doesNotExist();
    }

    @Test
    void should_end_a_committed_run_as_succeeded_when_its_analysis_runs_out_of_memory() {
        h.collector("huge", "huge", Map.of());
        h.runner.then(FakeContainerRunner.writes("level.csv", "t,v\n1,100\n"));
        h.analyzer.failWith = new OutOfMemoryError("Java heap space");
        String id = h.executor.submit("huge", null, "manual", null).id();
        h.runQueued(); // before, the error left the run running for good
        assertThat(h.state(id)).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.run(id).commit()).isEqualTo(h.datasets.commits.get(id));
        assertThat(h.events(id)).containsExactly("submitted", "started", "exited", "committed", "analysed", "finished");
    }

    @Test
    void should_keep_the_output_of_a_run_into_no_dataset_and_analyse_nothing() {
        h.collector("plain", "none", Map.of());
        h.runner.then(FakeContainerRunner.writes("out.csv", "t,v\n1,900\n"));
        String id = h.executor.submit("plain", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.events(id)).containsExactly("submitted", "started", "exited", "finished");
        assertThat(h.executor.runDir(id).resolve("output/out.csv")).exists();
        assertThat(h.datasets.ingests).isZero();
        assertThat(h.analyzer.analysedRuns).isEmpty();
    }

    @Test
    void should_store_progress_and_the_result_a_collector_prints_and_ignore_a_result_that_is_not_json() {
        h.collector("talker", "none", Map.of());
        h.runner.then(FakeContainerRunner.writes("x.txt", "x", "::progress 3/4", "::result {\"msg\":\"ok\"}",
                "::result not json", "plain line"));
        String id = h.executor.submit("talker", null, "manual", null).id();
        h.runQueued();
        Run done = h.run(id);
        assertThat(done.progress()).isEqualTo(75);
        assertThat(done.result()).isEqualTo("{\"msg\":\"ok\"}");
        assertThat(h.events(id)).contains("progress");
        assertThat(h.log(id)).contains("::progress 3/4", "plain line");
    }

    @Test
    void should_fail_without_retry_and_commit_nothing_when_the_engine_reports_output_over_the_limit() {
        h.collector("filler", "fill", Map.of("retries", "2"));
        h.runner.then((spec, sink, c) -> {
            Files.writeString(spec.outputDir().resolve("big.csv"), "t,v\n1,1\n");
            return new ContainerResult(137, false, false, "/output holds more than max_output (1024 bytes)");
        });
        String id = h.executor.submit("filler", null, "manual", null).id();
        h.runQueued();
        Run done = h.run(id);
        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.exitCode()).isEqualTo(137);
        assertThat(done.message()).isEqualTo("/output holds more than max_output (1024 bytes); nothing was committed "
                + "and the output was deleted");
        assertThat(h.events(id)).doesNotContain("retry_scheduled", "committed");
        assertThat(h.datasets.ingests).isZero();
        assertThat(h.runner.started.get(0).outputDir()).doesNotExist();
        assertThat(h.log(id)).contains("=== maomao: /output holds more than max_output");
    }

    @Test
    void should_fail_a_run_that_exits_0_with_output_over_max_output_and_commit_nothing() {
        h.collector("filler", "fill", Map.of("max_output", "1k"));
        h.runner.then(FakeContainerRunner.writes("big.csv", "t,v\n" + "1,1\n".repeat(600)));
        String id = h.executor.submit("filler", null, "manual", null).id();
        h.runQueued();
        Run done = h.run(id);
        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.exitCode()).isZero();
        assertThat(done.message()).contains("max_output").endsWith("nothing was committed and the output was deleted");
        assertThat(h.datasets.ingests).isZero();
        assertThat(h.runner.started.get(0).outputDir()).doesNotExist();
    }

    @Test
    void should_fail_without_retry_when_the_dataset_refuses_the_output() {
        h.collector("bad", "ds", Map.of("retries", "3"));
        h.datasets.failWith = "level.csv: its header \"a,b\" differs from the dataset's \"t,v\"";
        h.runner.then(FakeContainerRunner.writes("level.csv", "a,b\n1,2\n"));
        String id = h.executor.submit("bad", null, "manual", null).id();
        h.runQueued();
        Run done = h.run(id);
        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.exitCode()).isZero();
        assertThat(done.message()).isEqualTo(h.datasets.failWith);
        assertThat(h.events(id)).containsExactly("submitted", "started", "exited", "finished");
        assertThat(h.errors).containsEntry("git", 1);
    }

    @Test
    void should_fail_a_run_whose_output_passes_the_series_limits_before_anything_is_committed() {
        h.collector("wide", "ds", Map.of());
        h.analyzer.limit = "wide.csv has 300 series; max_series_per_file is 256";
        h.runner.then(FakeContainerRunner.writes("wide.csv", "t,v\n1,1\n"));
        String id = h.executor.submit("wide", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.FAILED);
        assertThat(h.run(id).message()).isEqualTo(h.analyzer.limit);
        assertThat(h.datasets.commits).isEmpty();
        assertThat(h.analyzer.analysedRuns).isEmpty();
    }

    @Test
    void should_fail_at_once_without_a_container_when_the_image_is_missing() {
        h.collector("ghost", "none", Map.of("retries", "2"));
        h.runner.missingImages.add("maomao-test/ghost:1");
        String id = h.executor.submit("ghost", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.FAILED);
        assertThat(h.run(id).message()).contains("is not in the Docker engine");
        assertThat(h.runner.started).isEmpty();
        assertThat(h.errors).containsEntry("docker", 1);
    }

    @Test
    void should_fail_a_run_whose_collector_was_removed_while_it_waited() {
        h.collector("gone", "none", Map.of());
        String id = h.executor.submit("gone", null, "manual", null).id();
        h.registry.delete("gone");
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.FAILED);
        assertThat(h.run(id).message()).isEqualTo("collector gone was removed before the run started");
        assertThat(h.runner.started).isEmpty();
    }

    @Test
    void should_keep_only_the_newest_keep_runs_with_their_folders() {
        h.collector("short", "none", Map.of("keep_runs", "2"));
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) {
            h.runner.then(FakeContainerRunner.exit(0));
            ids[i] = h.executor.submit("short", null, "manual", null).id();
            h.runQueued();
            h.clock.advance(Duration.ofMinutes(1));
        }
        assertThat(h.store.find(ids[0])).isEmpty();
        assertThat(h.executor.runDir(ids[0])).doesNotExist();
        assertThat(h.store.find(ids[1])).isPresent();
        assertThat(h.store.find(ids[2])).isPresent();
    }

    @Test
    void should_answer_a_wait_at_once_for_an_ended_run_and_after_the_time_for_a_queued_one() throws Exception {
        h.collector("w", "none", Map.of());
        h.runner.then(FakeContainerRunner.exit(0));
        String id = h.executor.submit("w", null, "manual", null).id();
        assertThat(h.executor.awaitEnd(id, Duration.ofMillis(1)).orElseThrow().state()).isEqualTo(RunState.QUEUED);
        h.runQueued();
        assertThat(h.executor.awaitEnd(id, Duration.ofHours(1)).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.executor.awaitEnd("no-such-run", Duration.ofHours(1))).isEmpty();
    }

    @Test
    void should_leave_a_run_queued_in_the_store_when_it_is_submitted_during_shutdown() {
        h.collector("late", "none", Map.of());
        h.executor.shutdown(Duration.ZERO);
        String id = h.executor.submit("late", null, "manual", null).id();
        assertThat(h.state(id)).isEqualTo(RunState.QUEUED);
        assertThat(h.pool.pending()).isZero();
    }

    @Test
    void should_feed_each_ended_run_s_own_figures_to_the_detector_once_and_not_a_retried_attempt() {
        h.collector("counted", "counted", Map.of("retries", "1", "retry_backoff", "1s"));
        h.runner.then(FakeContainerRunner.exit(5)).then(FakeContainerRunner.writes("rows.csv", "t,v\n1,1\n2,2\n"));
        String id = h.executor.submit("counted", null, "manual", null).id();
        h.runQueued();
        assertThat(h.analyzer.figures).as("an attempt that is retried has not ended").isEmpty();
        h.clock.advance(Duration.ofSeconds(3));
        h.fireRetriesAfter(Duration.ofSeconds(1));
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.SUCCEEDED);
        Run done = h.run(id);
        // finished_at, duration in seconds, rows and bytes the run added ("1,1" and "2,2": 4 bytes each), exit code
        assertThat(h.analyzer.figures).containsExactly(done.finishedAt() + ",0.000,2,8,0");

        h.collector("broken", "none", Map.of("retries", "0"));
        h.runner.then(FakeContainerRunner.exit(7));
        String failed = h.executor.submit("broken", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(failed)).isEqualTo(RunState.FAILED);
        assertThat(h.analyzer.figures).hasSize(2).last().asString().endsWith(",0,0,7");
    }
}

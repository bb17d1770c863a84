package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overlap of runs of one collector into one dataset: skip, or queue behind the running one. */
class OverlapTest {
    @TempDir
    Path dir;
    PipelineHarness h;

    @BeforeEach
    void setUp() {
        h = new PipelineHarness(dir);
    }

    @Test
    void should_record_a_firing_as_skipped_while_a_run_of_the_collector_into_the_dataset_is_under_way() throws Exception {
        h.collector("once", "none", Map.of("overlap", "skip"));
        Run first = h.executor.submitScheduled("once", "ds", "once@ds");
        Run second = h.executor.submitScheduled("once", "ds", "once@ds");
        Run elsewhere = h.executor.submitScheduled("once", "other", "once@other");

        assertThat(first.state()).isEqualTo(RunState.QUEUED);
        assertThat(elsewhere.state()).isEqualTo(RunState.QUEUED);
        Run skipped = h.run(second.id());
        assertThat(skipped.state()).isEqualTo(RunState.SKIPPED);
        assertThat(skipped.message()).isEqualTo("skipped: run " + first.id() + " of once into ds is still queued (overlap = skip)");
        assertThat(h.events(second.id())).containsExactly("skipped");
        assertThat(h.executor.awaitEnd(second.id(), Duration.ofHours(1)).orElseThrow().state()).isEqualTo(RunState.SKIPPED);

        h.runner.then(FakeContainerRunner.exit(0)).then(FakeContainerRunner.exit(0));
        h.runQueued();
        assertThat(h.executor.submitScheduled("once", "ds", "once@ds").state()).isEqualTo(RunState.QUEUED);
    }

    @Test
    void should_keep_skipped_firings_to_keep_runs_while_the_run_goes_on_and_keep_the_runs_that_ran() {
        h.collector("busy", "none", Map.of("overlap", "skip", "keep_runs", "2"));
        h.runner.then(FakeContainerRunner.exit(0));
        Run ran = h.executor.submitScheduled("busy", "ds", "busy@ds");
        h.runQueued();
        assertThat(h.state(ran.id())).isEqualTo(RunState.SUCCEEDED);
        Run running = h.executor.submitScheduled("busy", "ds", "busy@ds"); // stays queued: no task runs
        List<String> skipped = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            h.clock.advance(Duration.ofSeconds(1));
            skipped.add(h.executor.submitScheduled("busy", "ds", "busy@ds").id());
        }
        // no run ended meanwhile, and the skipped rows did not pile up (before: all 6 kept until a run ended,
        // then keep_runs kept two of them and deleted the run that succeeded, with its log)
        assertThat(h.store.list(new RunQuery("busy", null, null, 100))).extracting(Run::id)
                .containsExactlyInAnyOrder(running.id(), ran.id(), skipped.get(4), skipped.get(5));
    }

    @Test
    void should_start_a_scheduled_run_with_overlap_queue_only_after_the_running_one_ended() {
        h.collector("serial", "none", Map.of("overlap", "queue"));
        List<String> seen = new ArrayList<>();
        String[] second = new String[1];
        h.runner.then((spec, sink, c) -> {
            // while the first runs, a free slot takes the second: it must wait, not start
            h.runQueued();
            seen.add("second is " + h.state(second[0]).id() + " while the first runs");
            return new ContainerResult(0, false, false);
        }).then((spec, sink, c) -> {
            seen.add("second runs");
            return new ContainerResult(0, false, false);
        });
        String first = h.executor.submitScheduled("serial", "ds", "serial@ds").id();
        second[0] = h.executor.submitScheduled("serial", "ds", "serial@ds").id();

        h.runQueued();

        assertThat(seen).containsExactly("second is queued while the first runs", "second runs");
        assertThat(h.state(first)).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.state(second[0])).isEqualTo(RunState.SUCCEEDED);
        assertThat(h.runner.started).extracting(ContainerSpec::runId).containsExactly(first, second[0]);
    }

    @Test
    void should_not_hold_back_manual_runs_with_overlap_queue() {
        h.collector("serial", "none", Map.of("overlap", "queue"));
        String[] second = new String[1];
        h.runner.then((spec, sink, c) -> {
            h.runQueued(); // the manual second run starts and ends while the first still runs
            return new ContainerResult(h.state(second[0]) == RunState.SUCCEEDED ? 0 : 9, false, false);
        }).then(FakeContainerRunner.exit(0));
        String first = h.executor.submit("serial", "ds", "manual", null).id();
        second[0] = h.executor.submit("serial", "ds", "manual", null).id();
        h.runQueued();
        assertThat(h.state(first)).isEqualTo(RunState.SUCCEEDED);
    }
}

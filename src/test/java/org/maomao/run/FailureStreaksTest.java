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

/**
 * Collection health: {@code alert_after_failures} failed runs in a row of a collector into a
 * dataset raise one alert, and the success that ends the streak one "recovered"; the streak
 * is read from the stored runs.
 */
class FailureStreaksTest {
    @TempDir
    Path dir;
    PipelineHarness h;
    final List<CollectionAlert> alerts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        h = new PipelineHarness(dir);
        h.executor.addAlertNotifier(alerts::add);
    }

    @Test
    void should_alert_once_at_the_third_failure_in_a_row_and_once_at_the_success_that_ends_it() {
        h.collector("flaky", "none", Map.of("retries", "0", "alert_after_failures", "3"));
        String first = run(1);
        run(1);
        assertThat(alerts).isEmpty();
        String third = run(2);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(CollectionAlert.Kind.FAILING);
            assertThat(a.collector()).isEqualTo("flaky");
            assertThat(a.dataset()).isEqualTo("none");
            assertThat(a.failures()).isEqualTo(3);
            assertThat(a.runId()).isEqualTo(third);
            assertThat(a.message()).isEqualTo("the collector exited with code 2");
        });
        assertThat(h.events(third)).contains("alert");
        assertThat(h.events(first)).doesNotContain("alert");

        run(1); // the fourth failure: the streak was already told
        assertThat(alerts).hasSize(1);

        String recovered = run(0);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).kind()).isEqualTo(CollectionAlert.Kind.RECOVERED);
        assertThat(alerts.get(1).failures()).isEqualTo(4);
        assertThat(alerts.get(1).runId()).isEqualTo(recovered);
        assertThat(alerts.get(1).view()).containsEntry("alert", "recovered").containsEntry("collector", "flaky");

        run(0);
        run(1);
        run(1);
        assertThat(alerts).as("a success after fewer failures, and two failures, say nothing").hasSize(2);
        run(1);
        assertThat(alerts).hasSize(3);
        assertThat(alerts.get(2).kind()).isEqualTo(CollectionAlert.Kind.FAILING);
    }

    @Test
    void should_count_failures_per_dataset_and_ignore_skipped_and_cancelled_runs() {
        h.collector("flaky", "a", Map.of("retries", "0", "alert_after_failures", "2"));
        runInto("a", 1);
        runInto("b", 1); // another dataset: its own streak
        assertThat(alerts).isEmpty();
        String queued = h.executor.submit("flaky", "a", "manual", null).id();
        assertThat(h.executor.cancel(queued)).isTrue(); // cancelled: neither a failure nor a success
        h.clock.advance(Duration.ofSeconds(1));
        String second = runInto("a", 1);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.dataset()).isEqualTo("a");
            assertThat(a.runId()).isEqualTo(second);
        });
        runInto("b", 1);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).dataset()).isEqualTo("b");
    }

    @Test
    void should_say_nothing_with_alert_after_failures_0_or_when_retries_are_left() {
        h.collector("quiet", "none", Map.of("retries", "0", "alert_after_failures", "0"));
        for (int i = 0; i < 5; i++) {
            h.runner.then(FakeContainerRunner.exit(1));
            h.executor.submit("quiet", null, "manual", null);
            h.runQueued();
            h.clock.advance(Duration.ofSeconds(1));
        }
        assertThat(alerts).isEmpty();

        // a failed attempt that is retried is not a failed run
        h.collector("retried", "none", Map.of("retries", "3", "retry_backoff", "1s", "alert_after_failures", "1"));
        h.runner.then(FakeContainerRunner.exit(1));
        String id = h.executor.submit("retried", null, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(RunState.RETRYING);
        assertThat(alerts).isEmpty();
    }

    /** One run of flaky into its dataset that exits with {@code code}; the clock moves on after it. */
    private String run(int code) {
        return runInto(null, code);
    }

    private String runInto(String dataset, int code) {
        h.runner.then(code == 0 ? FakeContainerRunner.writes("rows.csv", "t,v\n1,1\n") : FakeContainerRunner.exit(code));
        String id = h.executor.submit("flaky", dataset, "manual", null).id();
        h.runQueued();
        assertThat(h.state(id)).isEqualTo(code == 0 ? RunState.SUCCEEDED : RunState.FAILED);
        h.clock.advance(Duration.ofSeconds(1));
        return id;
    }
}

package org.maomao.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.maomao.run.Run;
import org.maomao.run.RunEvent;
import org.maomao.run.RunQuery;
import org.maomao.run.RunState;
import org.maomao.run.RunStore;
import org.maomao.testing.MutableClock;
import org.maomao.testing.Race;

/**
 * What every {@link RunStore} must do, whatever keeps the runs: a subclass only supplies the
 * store (H2, PostgreSQL and in memory, each a subclass). Times are whole
 * milliseconds, as the store keeps them.
 */
public abstract class RunStoreContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05.678Z"));
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    protected RunStore store;

    /** A new, empty store whose event times come from {@code clock}. */
    protected abstract RunStore createStore(Clock clock);

    /** Registers collector {@code name} in the store's database, as the daemon does before its runs (SQL stores lock its row). */
    protected void collectorRegistered(String name) {
    }

    @BeforeEach
    void newStore() {
        store = createStore(clock);
    }

    private Run run(String id, String collector, RunState state, int minute) {
        return new Run(id, collector, "ds", "img:1", "manual", null, state, 0, 3, null, null, null, null, null,
                t0.plus(Duration.ofMinutes(minute)), null, null, null);
    }

    @Test
    void should_read_back_every_field_it_was_given() {
        Run full = new Run("r-1", "c", "ds", "registry.example/img:1", "schedule", "c@ds", RunState.RETRYING, 2, 5, 137,
                "exit 137, retrying", 42, "{\"rows\":3}", "abc123", t0, t0.plusSeconds(1), t0.plusSeconds(9),
                t0.plusSeconds(60));
        Run bare = run("r-2", "c", RunState.QUEUED, 1);
        store.insert(full);
        store.insert(bare);

        assertThat(store.find("r-1")).contains(full);
        assertThat(store.find("r-2")).contains(bare);
    }

    @Test
    void should_find_nothing_for_an_unknown_id() {
        assertThat(store.find("no-such-run")).isEmpty();
        assertThat(store.events("no-such-run")).isEmpty();
    }

    @Test
    void should_update_only_while_the_run_is_in_the_expected_state() {
        Run queued = run("r", "c", RunState.QUEUED, 0);
        store.insert(queued);
        Run running = queued.moveTo(RunState.RUNNING).withAttempt(1, t0.plusSeconds(5));

        assertThat(store.update(running, RunState.QUEUED)).isTrue();
        assertThat(store.find("r")).contains(running);

        // a cancel that read the run while it was still queued loses: nothing it wrote is kept
        Run staleCancel = queued.moveTo(RunState.CANCELLED).withOutcome(null, "cancelled", t0.plusSeconds(6));
        assertThat(store.update(staleCancel, RunState.QUEUED)).isFalse();
        assertThat(store.find("r")).contains(running);
    }

    @Test
    void should_move_a_run_and_record_its_event_together_or_do_neither() {
        Run running = run("r", "c", RunState.RUNNING, 0);
        store.insert(running);
        store.addEvent("r", "started", "{}");
        Run cancelled = running.moveTo(RunState.CANCELLED).withOutcome(null, "cancelled", t0.plusSeconds(6));

        // the loser of a race stores neither its state nor its event
        assertThat(store.update(cancelled, RunState.QUEUED, "finished", "{\"state\":\"cancelled\"}")).isFalse();
        assertThat(store.find("r")).contains(running);
        assertThat(store.events("r")).extracting(RunEvent::type).containsExactly("started");

        Run done = running.moveTo(RunState.SUCCEEDED).withOutcome(0, null, t0.plusSeconds(7));
        assertThat(store.update(done, RunState.RUNNING, "finished", "{\"state\":\"succeeded\"}")).isTrue();
        assertThat(store.find("r")).contains(done);
        assertThat(store.events("r")).extracting(RunEvent::type, RunEvent::payload)
                .containsExactly(tuple("started", "{}"),
                        tuple("finished", "{\"state\":\"succeeded\"}"));
    }

    @Test
    void should_update_nothing_for_an_unknown_run() {
        assertThat(store.update(run("ghost", "c", RunState.RUNNING, 0), RunState.QUEUED)).isFalse();
        assertThat(store.find("ghost")).isEmpty();
    }

    @Test
    void should_keep_what_a_run_is_when_its_progress_is_updated() {
        Run r = run("r", "c", RunState.QUEUED, 0);
        store.insert(r);
        Run changed = new Run("r", "other", "other-ds", "other:2", "schedule", "x@y", RunState.RUNNING, 1, 9, 0,
                "started", 10, "{}", "c0ffee", t0.plusSeconds(99), t0.plusSeconds(1), null, null);

        assertThat(store.update(changed, RunState.QUEUED)).isTrue();

        Run stored = store.find("r").orElseThrow();
        assertThat(List.of(stored.collector(), stored.dataset(), stored.image(), stored.trigger(), stored.createdAt(),
                stored.maxAttempts())).containsExactly("c", "ds", "img:1", "manual", t0, 3);
        assertThat(stored.scheduleId()).isNull();
        assertThat(List.of(stored.state(), stored.attempt(), stored.exitCode(), stored.message(), stored.progress(),
                stored.result(), stored.commit(), stored.startedAt()))
                .containsExactly(RunState.RUNNING, 1, 0, "started", 10, "{}", "c0ffee", t0.plusSeconds(1));
    }

    @Test
    void should_list_newest_first_and_break_ties_by_id() {
        store.insert(run("b", "c", RunState.SUCCEEDED, 1));
        store.insert(run("a", "c", RunState.SUCCEEDED, 1));
        store.insert(run("old", "c", RunState.SUCCEEDED, 0));
        store.insert(run("new", "c", RunState.SUCCEEDED, 2));

        assertThat(ids(store.list(new RunQuery(null, null, null, 10)))).containsExactly("new", "b", "a", "old");
    }

    @Test
    void should_filter_by_collector_state_and_creation_time() {
        store.insert(run("c1-old", "c1", RunState.FAILED, 0));
        store.insert(run("c1-mid", "c1", RunState.SUCCEEDED, 1));
        store.insert(run("c1-new", "c1", RunState.FAILED, 2));
        store.insert(run("c2", "c2", RunState.FAILED, 3));

        assertThat(ids(store.list(new RunQuery("c1", null, null, 10)))).containsExactly("c1-new", "c1-mid", "c1-old");
        assertThat(ids(store.list(new RunQuery(null, RunState.FAILED, null, 10)))).containsExactly("c2", "c1-new", "c1-old");
        assertThat(ids(store.list(new RunQuery("c1", RunState.FAILED, null, 10)))).containsExactly("c1-new", "c1-old");
        // before is strict: the run created at that instant is not before it
        assertThat(ids(store.list(new RunQuery(null, null, t0.plus(Duration.ofMinutes(2)), 10))))
                .containsExactly("c1-mid", "c1-old");
        assertThat(store.list(new RunQuery("nobody", null, null, 10))).isEmpty();
    }

    @Test
    void should_page_with_the_limit_and_before_and_bound_any_limit() {
        for (int i = 0; i < 5; i++) {
            store.insert(run("r" + i, "c", RunState.SUCCEEDED, i));
        }
        List<Run> first = store.list(new RunQuery(null, null, null, 2));
        assertThat(ids(first)).containsExactly("r4", "r3");
        List<Run> second = store.list(new RunQuery(null, null, first.get(1).createdAt(), 2));
        assertThat(ids(second)).containsExactly("r2", "r1");

        assertThat(store.list(new RunQuery(null, null, null, 0))).hasSize(1);
        assertThat(store.list(new RunQuery(null, null, null, -5))).hasSize(1);
        assertThat(store.list(new RunQuery(null, null, null, Integer.MAX_VALUE))).hasSize(5);
    }

    @Test
    void should_never_list_more_than_the_most_a_query_may_ask() {
        for (int i = 0; i < RunQuery.MAX_LIMIT + 1; i++) {
            store.insert(run(String.format("r%05d", i), "c", RunState.SUCCEEDED, i));
        }
        assertThat(store.list(new RunQuery(null, null, null, RunQuery.MAX_LIMIT + 1))).hasSize(RunQuery.MAX_LIMIT);
    }

    @Test
    void should_find_the_runs_in_given_states_oldest_first() {
        store.insert(run("running-new", "c", RunState.RUNNING, 2));
        store.insert(run("running-old", "c2", RunState.RUNNING, 0));
        store.insert(run("queued", "c", RunState.QUEUED, 1));
        store.insert(run("done", "c", RunState.SUCCEEDED, 3));

        assertThat(ids(store.findByStates(EnumSet.of(RunState.RUNNING)))).containsExactly("running-old", "running-new");
        assertThat(ids(store.findByStates(EnumSet.of(RunState.RUNNING, RunState.QUEUED))))
                .containsExactlyInAnyOrder("running-old", "running-new", "queued");
        assertThat(store.findByStates(EnumSet.of(RunState.RETRYING))).isEmpty();
    }

    @Test
    void should_number_each_runs_events_from_one_in_order_with_the_time_they_were_added() {
        store.insert(run("r", "c", RunState.QUEUED, 0));
        store.insert(run("s", "c", RunState.QUEUED, 0));
        store.addEvent("r", "submitted", "{}");
        clock.advance(Duration.ofSeconds(1));
        store.addEvent("s", "submitted", "{\"x\":1}");
        store.addEvent("r", "started", null);

        List<RunEvent> events = store.events("r");
        assertThat(events).extracting(RunEvent::seq).containsExactly(1, 2);
        assertThat(events).extracting(RunEvent::type).containsExactly("submitted", "started");
        assertThat(events.get(0)).isEqualTo(new RunEvent("r", 1, Instant.parse("2026-01-02T03:04:05.678Z"), "submitted", "{}"));
        assertThat(events.get(1).at()).isEqualTo(clock.instant());
        assertThat(events.get(1).payload()).isNull();
        assertThat(store.events("s")).containsExactly(new RunEvent("s", 1, clock.instant(), "submitted", "{\"x\":1}"));
    }

    @Test
    void should_delete_only_the_ended_runs_of_that_collector_beyond_the_newest_kept() {
        store.insert(run("e0", "c", RunState.SUCCEEDED, 0));
        store.insert(run("e1", "c", RunState.FAILED, 1));
        store.insert(run("e2", "c", RunState.TIMED_OUT, 2));
        store.insert(run("e3", "c", RunState.CANCELLED, 3));
        store.insert(run("e4", "c", RunState.SKIPPED, 4));
        store.insert(run("live-q", "c", RunState.QUEUED, -10));
        store.insert(run("live-r", "c", RunState.RUNNING, -9));
        store.insert(run("live-t", "c", RunState.RETRYING, -8));
        store.insert(run("other", "c2", RunState.SUCCEEDED, -7));
        store.addEvent("e0", "finished", "{}");
        store.addEvent("e4", "finished", "{}");

        assertThat(store.deleteEndedBeyond("c", 2)).containsExactlyInAnyOrder("e0", "e1");

        assertThat(store.find("e0")).isEmpty();
        assertThat(store.events("e0")).isEmpty();
        assertThat(store.events("e4")).hasSize(1);
        assertThat(ids(store.list(new RunQuery(null, null, null, 100))))
                .containsExactlyInAnyOrder("e2", "e3", "e4", "live-q", "live-r", "live-t", "other");
    }

    @Test
    void should_keep_the_runs_that_ran_however_many_skipped_firings_came_after_them() {
        // an every-second schedule whose runs overlap records a skipped firing a second: keep_runs = 2 kept
        // two of those and deleted the one run that succeeded, with its log
        store.insert(run("ran", "c", RunState.SUCCEEDED, 0));
        for (int i = 1; i <= 5; i++) {
            store.insert(run("skip" + i, "c", RunState.SKIPPED, i));
        }
        assertThat(store.deleteEndedBeyond("c", 2)).containsExactlyInAnyOrder("skip1", "skip2", "skip3");
        assertThat(store.find("ran")).isPresent();
        assertThat(ids(store.list(new RunQuery(null, null, null, 100)))).containsExactlyInAnyOrder("ran", "skip4", "skip5");
    }

    @Test
    void should_delete_nothing_while_no_more_than_kept_have_ended() {
        store.insert(run("e0", "c", RunState.SUCCEEDED, 0));
        store.insert(run("e1", "c", RunState.SUCCEEDED, 1));

        assertThat(store.deleteEndedBeyond("c", 2)).isEmpty();
        assertThat(store.deleteEndedBeyond("nobody", 0)).isEmpty();
        assertThat(store.find("e0")).isPresent();
        assertThat(store.deleteEndedBeyond("c", 0)).containsExactlyInAnyOrder("e0", "e1");
    }

    @Test
    void should_store_a_nul_character_a_collector_wrote_without_failing() {
        // PostgreSQL's text cannot hold U+0000 (H2's can): the store keeps it, or keeps U+FFFD in its place
        String nul = "bad\u0000text";
        Run r = new Run("r", "c", "ds", "img:1", "manual", null, RunState.RUNNING, 1, 2, null, "message " + nul, null,
                "{\"msg\":\"" + nul + "\"}", null, t0, t0, t0, null);
        store.insert(r);
        store.addEvent("r", "log", nul);
        Run retried = r.moveTo(RunState.RETRYING).withOutcome(2, "again " + nul, t0.plusSeconds(1));
        assertThat(store.update(retried, RunState.RUNNING, "retry_scheduled", nul)).isTrue();

        Run stored = store.find("r").orElseThrow();
        assertThat(stored.message()).isIn(retried.message(), retried.message().replace('\u0000', '\uFFFD'));
        assertThat(stored.result()).isIn(r.result(), r.result().replace('\u0000', '\uFFFD'));
        assertThat(store.events("r")).extracting(RunEvent::payload).allSatisfy(p ->
                assertThat(p).isIn(nul, nul.replace('\u0000', '\uFFFD')));
    }

    @Test
    void should_let_exactly_one_of_two_racing_state_changes_win() {
        for (int i = 0; i < 20; i++) {
            String id = "race-" + i;
            Run queued = run(id, "c", RunState.QUEUED, i);
            store.insert(queued);
            Run started = queued.moveTo(RunState.RUNNING).withAttempt(1, t0.plusSeconds(5));
            Run cancelled = queued.moveTo(RunState.CANCELLED).withOutcome(null, "cancelled", t0.plusSeconds(6));

            List<Boolean> won = Race.run(() -> store.update(started, RunState.QUEUED, "started", "{}"),
                    () -> store.update(cancelled, RunState.QUEUED, "finished", "{\"state\":\"cancelled\"}"));

            assertThat(won).as("run %s: exactly one wins", id).containsExactlyInAnyOrder(true, false);
            Run winner = won.get(0) ? started : cancelled;
            assertThat(store.find(id)).contains(winner);
            // only the winner's event is kept
            assertThat(store.events(id)).extracting(RunEvent::type)
                    .containsExactly(won.get(0) ? "started" : "finished");
        }
    }

    @Test
    void should_keep_and_number_every_event_added_to_one_run_at_once() {
        store.insert(run("r", "c", RunState.RUNNING, 0));
        List<Callable<Boolean>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(() -> {
                for (int k = 0; k < 10; k++) {
                    store.addEvent("r", "progress", "{\"w\":" + writer + ",\"k\":" + k + "}");
                }
                return true;
            });
        }

        Race.run(writers);

        List<RunEvent> events = store.events("r");
        assertThat(events).extracting(RunEvent::seq).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 40).boxed().toList());
        assertThat(events).extracting(RunEvent::payload).doesNotHaveDuplicates().hasSize(40);
    }

    // --- overlap = skip: the look for a run under way and the insert are one decision ---

    @Test
    void of_submissions_racing_with_overlap_skip_exactly_one_enters_and_the_others_see_it() {
        collectorRegistered("c");
        for (int round = 0; round < 5; round++) {
            String prefix = "s" + round + "-";
            List<Callable<java.util.Optional<Run>>> submissions = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Run queued = run(prefix + i, "c", RunState.QUEUED, round);
                submissions.add(() -> store.insertUnlessActive(queued, "submitted", "{}"));
            }

            List<java.util.Optional<Run>> busy = Race.run(submissions);

            List<Run> entered = store.findByStates(EnumSet.of(RunState.QUEUED));
            assertThat(entered).as("round %d: one run entered", round).hasSize(1);
            String winner = entered.get(0).id();
            assertThat(busy).as("round %d: the others were shown the winner", round).filteredOn(java.util.Optional::isEmpty)
                    .hasSize(1);
            assertThat(busy).filteredOn(java.util.Optional::isPresent).extracting(o -> o.get().id())
                    .hasSize(5).containsOnly(winner);
            assertThat(store.events(winner)).extracting(RunEvent::type).containsExactly("submitted");
            // the winner ends: the next round's race starts from no run under way
            assertThat(store.update(entered.get(0).moveTo(RunState.CANCELLED), RunState.QUEUED)).isTrue();
        }
        // another dataset or another collector is not held back
        assertThat(store.insertUnlessActive(new Run("other-ds", "c", "ds2", "img:1", "manual", null, RunState.QUEUED, 0, 3,
                null, null, null, null, null, t0, null, null, null), "submitted", "{}")).isEmpty();
        Run running = run("r-run", "c", RunState.QUEUED, 9).moveTo(RunState.RUNNING);
        store.insert(running);
        assertThat(store.insertUnlessActive(run("late", "c", RunState.QUEUED, 10), "submitted", "{}"))
                .map(Run::id).contains("r-run");
        assertThat(store.find("late")).isEmpty();
    }

    @Test
    void should_read_at_most_the_asked_number_of_queued_runs_oldest_first() {
        for (int i = 0; i < 30; i++) {
            store.insert(run("q" + (100 + i), "c", RunState.QUEUED, 30 - i));
        }
        store.insert(run("running", "c", RunState.RUNNING, 0));

        assertThat(ids(store.findQueued(3))).containsExactly("q129", "q128", "q127");
        assertThat(store.findQueued(0)).isEmpty();
        assertThat(store.findQueued(100)).hasSize(30);
    }

    private static List<String> ids(List<Run> runs) {
        return runs.stream().map(Run::id).toList();
    }

    // --- members and fences (cluster mode): an attempt owns its run while the stored fence is its own ---

    private Run claimedBy(Run queued, String member, String fence) {
        return queued.moveTo(RunState.RUNNING).withAttempt(queued.attempt() + 1, t0.plusSeconds(5))
                .withOwner(member, fence);
    }

    @Test
    void should_store_the_member_and_fence_a_claim_gives_the_run() {
        Run queued = run("r", "c", RunState.QUEUED, 0);
        store.insert(queued);

        assertThat(store.claim(claimedBy(queued, "m1", "f1"), false)).isTrue();

        Run stored = store.find("r").orElseThrow();
        assertThat(stored.state()).isEqualTo(RunState.RUNNING);
        assertThat(stored.member()).isEqualTo("m1");
        assertThat(stored.fence()).isEqualTo("f1");
        // a claim only takes a queued run
        assertThat(store.claim(claimedBy(queued, "m2", "f2"), false)).isFalse();
        assertThat(store.find("r").orElseThrow().member()).isEqualTo("m1");
    }

    @Test
    void should_let_exactly_one_of_three_members_claim_a_queued_run() {
        for (int i = 0; i < 15; i++) {
            String id = "claim-" + i;
            Run queued = run(id, "c", RunState.QUEUED, i);
            store.insert(queued);
            List<Callable<Boolean>> claims = new ArrayList<>();
            for (String m : List.of("m1", "m2", "m3")) {
                claims.add(() -> store.claim(claimedBy(queued, m, "fence-" + m), false));
            }

            List<Boolean> won = Race.run(claims);

            assertThat(won).as("run %s: exactly one member claims it", id).containsOnlyOnce(true);
            String winner = List.of("m1", "m2", "m3").get(won.indexOf(true));
            assertThat(store.find(id).orElseThrow()).extracting(Run::member, Run::fence)
                    .containsExactly(winner, "fence-" + winner);
        }
    }

    @Test
    void should_refuse_every_write_of_an_attempt_whose_fence_is_no_longer_the_runs() {
        Run queued = run("r", "c", RunState.QUEUED, 0);
        store.insert(queued);
        Run first = claimedBy(queued, "m1", "f1");
        assertThat(store.claim(first, false)).isTrue();
        // m2 takes the run over: m1's attempt is lost and retried, and m2's attempt claims it anew
        assertThat(store.update(first, RunState.RUNNING, "lost", "{\"member\":\"m1\"}")).isTrue();
        Run retrying = first.moveTo(RunState.RETRYING).withOutcome(null, "member m1 is gone", t0.plusSeconds(9));
        assertThat(store.update(retrying, RunState.RUNNING)).isTrue();
        Run requeued = retrying.moveTo(RunState.QUEUED);
        assertThat(store.update(requeued, RunState.RETRYING)).isTrue();
        Run second = claimedBy(requeued, "m2", "f2");
        assertThat(store.claim(second, false)).isTrue();
        int events = store.events("r").size();

        // m1 comes back (it was paused): none of its writes counts, though the run is running again
        assertThat(store.update(first.withProgress(50), RunState.RUNNING)).isFalse();
        assertThat(store.update(first, RunState.RUNNING, "exited", "{}")).isFalse();
        assertThat(store.update(first.withCommit("c0ffee"), RunState.RUNNING, "committed", "{}")).isFalse();
        assertThat(store.update(first.moveTo(RunState.SUCCEEDED).withOutcome(0, null, t0.plusSeconds(20)),
                RunState.RUNNING, "finished", "{}")).isFalse();

        Run stored = store.find("r").orElseThrow();
        assertThat(stored).extracting(Run::state, Run::member, Run::fence, Run::commit, Run::progress, Run::attempt)
                .containsExactly(RunState.RUNNING, "m2", "f2", null, null, 2);
        assertThat(store.events("r")).hasSize(events);
        // m2's attempt, holding the fence, ends it
        assertThat(store.update(second.moveTo(RunState.SUCCEEDED).withOutcome(0, null, t0.plusSeconds(30)),
                RunState.RUNNING, "finished", "{}")).isTrue();
        assertThat(store.find("r").orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
    }

    @Test
    void should_let_exactly_one_of_two_survivors_take_over_a_gone_members_run() {
        for (int i = 0; i < 15; i++) {
            String id = "takeover-" + i;
            Run queued = run(id, "c", RunState.QUEUED, i);
            store.insert(queued);
            Run dead = claimedBy(queued, "gone", "f-gone");
            assertThat(store.claim(dead, false)).isTrue();

            List<Boolean> won = Race.run(
                    () -> store.update(dead, RunState.RUNNING, "lost", "{\"by\":\"m1\"}")
                            && store.update(dead.moveTo(RunState.RETRYING), RunState.RUNNING),
                    () -> store.update(dead, RunState.RUNNING, "lost", "{\"by\":\"m2\"}")
                            && store.update(dead.moveTo(RunState.RETRYING), RunState.RUNNING));

            assertThat(store.find(id).orElseThrow().state()).isEqualTo(RunState.RETRYING);
            assertThat(won).as("run %s: one retry stored", id).containsOnlyOnce(true);
        }
    }

    @Test
    void should_claim_a_serial_run_only_while_no_run_of_its_collector_and_dataset_runs() {
        Run a = run("a", "c", RunState.QUEUED, 0);
        Run b = run("b", "c", RunState.QUEUED, 1);
        Run other = run("o", "other", RunState.QUEUED, 2);
        store.insert(a);
        store.insert(b);
        store.insert(other);
        assertThat(store.claim(claimedBy(a, "m1", "fa"), true)).isTrue();

        assertThat(store.claim(claimedBy(b, "m2", "fb"), true)).as("c@ds is running on m1").isFalse();
        assertThat(store.find("b").orElseThrow().state()).isEqualTo(RunState.QUEUED);
        assertThat(store.claim(claimedBy(other, "m2", "fo"), true)).as("another collector").isTrue();
        Run aRunning = store.find("a").orElseThrow();
        assertThat(store.update(aRunning.moveTo(RunState.SUCCEEDED), RunState.RUNNING)).isTrue();
        assertThat(store.claim(claimedBy(b, "m2", "fb"), true)).isTrue();
    }

    @Test
    void should_start_only_one_of_two_serial_runs_claimed_at_once_by_two_members() {
        for (int i = 0; i < 10; i++) {
            Run a = run("sa-" + i, "s" + i, RunState.QUEUED, 2 * i);
            Run b = run("sb-" + i, "s" + i, RunState.QUEUED, 2 * i + 1);
            store.insert(a);
            store.insert(b);

            List<Boolean> won = Race.run(() -> store.claim(claimedBy(a, "m1", "f1"), true),
                    () -> store.claim(claimedBy(b, "m2", "f2"), true));

            assertThat(won).as("round %d: one of the two starts", i).containsOnlyOnce(true);
        }
    }
}

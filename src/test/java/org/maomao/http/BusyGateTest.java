package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The bound on heavy requests (series reads, re-scans): one over it gets 429 at once, and a finished one frees its place. */
class BusyGateTest {

    @Test
    void should_answer_429_beyond_its_permits_and_let_the_next_in_once_one_ends() throws Exception {
        BusyGate gate = new BusyGate(SeriesApi.READERS, "busy now.");
        CountDownLatch inside = new CountDownLatch(SeriesApi.READERS);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(SeriesApi.READERS);
        try {
            List<Future<String>> held = new ArrayList<>();
            for (int i = 0; i < SeriesApi.READERS; i++) {
                held.add(pool.submit(() -> gate.pass(() -> {
                    inside.countDown();
                    release.await();
                    return "read";
                })));
            }
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            // every place taken: the next one is refused at once, with the sentence, and runs nothing
            boolean[] ran = {false};
            assertThatThrownBy(() -> gate.pass(() -> ran[0] = true)).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.status() + " " + e.getMessage()).isEqualTo("429 busy now."));
            assertThat(ran[0]).isFalse();
            release.countDown();
            for (Future<String> f : held) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("read");
            }
            assertThat(gate.pass(() -> "after")).isEqualTo("after");
            // a failing read frees its place too
            assertThatThrownBy(() -> gate.pass(() -> {
                throw new IllegalStateException("read failed");
            })).hasMessage("read failed");
            for (int i = 0; i < 2 * SeriesApi.READERS; i++) {
                assertThat(gate.pass(() -> "again")).isEqualTo("again");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

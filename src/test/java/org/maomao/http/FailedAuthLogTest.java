package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.maomao.testing.MutableClock;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** 60,000 refused requests in 40 s made 60,000 WARN lines; now a client costs two lines a minute. */
class FailedAuthLogTest {
    final Logger logger = (Logger) LoggerFactory.getLogger("test.failed-auth");
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final FailedAuthLog failed = new FailedAuthLog(logger, clock);

    @BeforeEach
    void capture() {
        lines.start();
        logger.setAdditive(false); // 10,000 lines need not reach the console
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    List<String> logged() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void should_log_the_first_failure_and_then_one_summary_a_minute() {
        for (int i = 0; i < 60_000; i++) { // 60,000 failures over 40 s
            failed.refused("10.0.0.7", "GET", "/collectors", "wrong token");
            clock.advance(Duration.ofNanos(40_000_000_000L / 60_000));
        }
        assertThat(logged()).containsExactly("refused GET /collectors from 10.0.0.7: wrong token "
                + "(further failures from it are summed up once a minute)");
        clock.advance(Duration.ofSeconds(21));
        failed.flush();
        assertThat(logged()).hasSize(2);
        assertThat(logged().get(1)).isEqualTo("59999 more failed attempts from 10.0.0.7 in the last minute (wrong token)");
        // still failing: one more summary a minute later, not before
        for (int i = 0; i < 1000; i++) {
            failed.refused("10.0.0.7", "GET", "/runs", "wrong token");
            clock.advance(Duration.ofMillis(50));
        }
        assertThat(logged()).hasSize(2);
        clock.advance(Duration.ofSeconds(11));
        failed.flush();
        assertThat(logged()).hasSize(3).last().asString().startsWith("1000 more failed attempts from 10.0.0.7");
        // quiet for a whole minute: forgotten, so the next failure is logged in full again
        clock.advance(Duration.ofMinutes(1));
        failed.flush();
        failed.refused("10.0.0.7", "GET", "/", "no Authorization header");
        assertThat(logged()).hasSize(4).last().asString().startsWith("refused GET / from 10.0.0.7");
    }

    @Test
    void should_bound_what_many_clients_cost() {
        for (int i = 0; i < FailedAuthLog.MAX_CLIENTS + 5_000; i++) {
            failed.refused("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), "GET", "/", "wrong token");
        }
        assertThat(logged()).hasSize(FailedAuthLog.MAX_CLIENTS);
        clock.advance(Duration.ofMinutes(1));
        failed.flush();
        assertThat(logged()).hasSize(FailedAuthLog.MAX_CLIENTS + 1).last().asString()
                .isEqualTo("5000 more failed attempts from other clients in the last minute (refused)");
    }

    @Test
    void should_cut_a_long_path_and_never_log_what_was_sent() {
        failed.refused("10.0.0.8", "GET", "/" + "x".repeat(10_000) + "\n\u001b[31mforged line", "wrong token");
        assertThat(logged()).hasSize(1);
        assertThat(logged().get(0)).hasSizeLessThan(300).doesNotContain("\n", "\u001b");
    }
}

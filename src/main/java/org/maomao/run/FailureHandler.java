package org.maomao.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import org.maomao.collector.CollectorRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed attempt becomes (as db-scheduler's {@code FailureHandler} and JobRunr's
 * {@code RetryFilter}): with attempts left and a failure that trying again may cure, the run
 * is stored as {@code retrying} with its time ({@code next_retry_at}, by the collector's
 * doubling backoff) and the {@link RetryTimer} queues it then; otherwise it ends.
 */
final class FailureHandler {
    private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

    private final RunStore store;
    private final CollectorRegistry registry;
    private final Clock clock;
    private final Endings endings;
    private final Consumer<Instant> retryStored;

    /** @param retryStored told the time of each retry stored (the timer wakes for it) */
    FailureHandler(RunStore store, CollectorRegistry registry, Clock clock, Endings endings, Consumer<Instant> retryStored) {
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.endings = endings;
        this.retryStored = retryStored;
    }

    /** When to try {@code failed} again, or null when it ends. */
    Instant retryAt(Run failed, boolean retryable) {
        if (!retryable || failed.attempt() >= failed.maxAttempts()) {
            return null;
        }
        Duration backoff = registry.find(failed.collector()).map(c -> c.policy(registry.defaults()))
                .orElse(registry.defaults()).backoff(failed.attempt());
        return clock.instant().plus(backoff);
    }

    /** Retries {@code failed} (a running run whose attempt failed with {@code message}) or ends it in {@code terminal}. */
    void onFailure(Run failed, RunState terminal, String message, boolean retryable) {
        Instant at = retryAt(failed, retryable);
        if (at == null) {
            endings.end(failed, terminal, failed.exitCode(), message);
            return;
        }
        Run retrying = failed.moveTo(RunState.RETRYING).withNextRetryAt(at);
        if (store.update(retrying, RunState.RUNNING)) {
            store.addEvent(failed.id(), "retry_scheduled", EventJson.of(Map.of("attempt", failed.attempt() + 1,
                    "at", at.toString(), "reason", message)));
            log.info("run {} of {}: attempt {} {}; retry at {}", failed.id(), failed.collector(), failed.attempt(),
                    message, at);
            retryStored.accept(at);
        }
    }
}

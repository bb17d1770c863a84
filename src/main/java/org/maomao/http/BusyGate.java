package org.maomao.http;

import java.util.concurrent.Semaphore;

/**
 * At most {@code permits} heavy requests of one kind at once (a series read, a re-scan); one more gets
 * 429 with a sentence at once instead of waiting, so that many clients together cannot run the daemon
 * out of memory or threads.
 */
final class BusyGate {
    /** The work behind the gate. */
    @FunctionalInterface
    interface Work<T, E extends Exception> {
        T run() throws E;
    }

    private final Semaphore permits;
    private final String busy;

    /** @param busy the sentence a request over the limit gets with its 429 */
    BusyGate(int permits, String busy) {
        this.permits = new Semaphore(permits);
        this.busy = busy;
    }

    <T, E extends Exception> T pass(Work<T, E> work) throws E {
        if (!permits.tryAcquire()) {
            throw new ApiException(429, "busy", busy);
        }
        try {
            return work.run();
        } finally {
            permits.release();
        }
    }
}

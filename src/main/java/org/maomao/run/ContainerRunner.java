package org.maomao.run;

import java.util.Set;

/** Runs one attempt of a run in a container and removes the container afterwards. */
public interface ContainerRunner {
    /** Receives the container's output a line at a time, in order. */
    interface LineSink {
        void line(String stream, String line);
    }

    /**
     * Runs {@code spec} to the end, streaming output to {@code sink}. Stops the container
     * at the policy's timeout or when {@code cancellation} fires.
     */
    ContainerResult run(ContainerSpec spec, LineSink sink, Cancellation cancellation) throws ContainerException;

    /** The image's id ({@code sha256:...}), or an exception saying it is not there. */
    String imageId(String image) throws ContainerException;

    /** Removes containers of maomao runs that are not in {@code activeRunIds}; returns how many. */
    int removeLeftovers(Set<String> activeRunIds);

    /**
     * Removes the containers of run {@code runId} that cluster member {@code member} created, if
     * any are on this engine (a run taken over from a gone member); returns how many.
     */
    default int removeContainersOf(String runId, String member) {
        return 0;
    }

    /** Whether the engine answers. */
    boolean isAvailable();

    /** Docker or the image failed; {@code retryable} says whether trying again may help. */
    final class ContainerException extends Exception {
        private final boolean retryable;

        public ContainerException(String message, boolean retryable, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}

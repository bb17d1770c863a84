package org.maomao.run;

/**
 * How a container ended: its exit code, and whether maomao stopped it for a timeout or a cancel.
 *
 * @param outputOverLimit null, or why the run's /output went over max_output or max_output_files
 *                        (the container was then stopped, or it exited with too much output)
 */
public record ContainerResult(int exitCode, boolean timedOut, boolean cancelled, String outputOverLimit) {
    public ContainerResult(int exitCode, boolean timedOut, boolean cancelled) {
        this(exitCode, timedOut, cancelled, null);
    }
}

package org.maomao.run;

/** How a container ended: its exit code, and whether maomao stopped it for a timeout or a cancel. */
public record ContainerResult(int exitCode, boolean timedOut, boolean cancelled) {
}

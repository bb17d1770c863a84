package org.maomao.docker;

/** The labels maomao puts on its containers, so that it can find them again after a crash. */
public final class ContainerLabels {
    public static final String RUN_ID = "maomao.run-id";
    public static final String COLLECTOR = "maomao.collector";
    public static final String ATTEMPT = "maomao.attempt";

    private ContainerLabels() {
    }
}

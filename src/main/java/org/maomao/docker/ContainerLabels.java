package org.maomao.docker;

/** The labels maomao puts on its containers, so that it can find them again after a crash. */
public final class ContainerLabels {
    public static final String RUN_ID = "maomao.run-id";
    public static final String COLLECTOR = "maomao.collector";
    public static final String ATTEMPT = "maomao.attempt";
    /**
     * The daemon instance that created the container (its id is kept in data_dir), so that
     * daemons sharing one engine clean up only their own leftovers.
     */
    public static final String INSTANCE = "maomao.instance";
    /**
     * The cluster member that runs the attempt (absent outside cluster mode): members sharing an
     * engine never take each other's containers for leftovers, and a member that takes over a
     * run of a gone member may remove that run's container, and only it.
     */
    public static final String MEMBER = "maomao.member";

    private ContainerLabels() {
    }
}

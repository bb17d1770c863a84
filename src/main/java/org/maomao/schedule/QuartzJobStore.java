package org.maomao.schedule;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.quartz.SchedulerConfigException;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.spi.ClassLoadHelper;
import org.quartz.spi.SchedulerSignaler;

/**
 * Quartz's JDBC job store ({@code JobStoreTX}), handed back to whoever opened the scheduler
 * ({@link QuartzStores#open}) so that a stop that overruns its deadline can end the store's
 * retries: Quartz retries a failed write to the store until the store is shut down, and its
 * own shutdown waits for the threads doing so before it shuts the store down.
 */
public final class QuartzJobStore extends JobStoreTX {
    /** Stores Quartz built, by data source name, until {@link #take} hands them over. */
    private static final Map<String, QuartzJobStore> BUILT = new ConcurrentHashMap<>();

    /** Quartz builds its job store from its class name, with no arguments. */
    public QuartzJobStore() {
        super();
    }

    @Override
    public void initialize(ClassLoadHelper loadHelper, SchedulerSignaler signaler) throws SchedulerConfigException {
        super.initialize(loadHelper, signaler);
        BUILT.put(getDataSource(), this);
    }

    /** The store Quartz built on data source {@code dsName}, once; null if there is none. */
    static QuartzJobStore take(String dsName) {
        return BUILT.remove(dsName);
    }

    /** Ends the store's retries now: what is still retrying fails, and nothing new is written. */
    void abort() {
        shutdown();
    }
}

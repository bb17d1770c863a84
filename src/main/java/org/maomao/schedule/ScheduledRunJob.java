package org.maomao.schedule;

import org.maomao.run.RunExecutor;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A schedule's firing: queues a run of the collector into the schedule's dataset. */
final class ScheduledRunJob implements Job {
    private static final Logger log = LoggerFactory.getLogger(ScheduledRunJob.class);
    static final String COLLECTOR = "collector";
    static final String DATASET = "dataset";

    private final RunExecutor executor;

    ScheduledRunJob(RunExecutor executor) {
        this.executor = executor;
    }

    @Override
    public void execute(JobExecutionContext ctx) {
        JobDataMap data = ctx.getJobDetail().getJobDataMap();
        String id = ctx.getJobDetail().getKey().getName();
        try {
            executor.submit(data.getString(COLLECTOR), data.getString(DATASET), "schedule", id);
        } catch (RuntimeException e) {
            // an unknown collector must not make Quartz refire: log and wait for the next firing
            log.warn("schedule {} could not start a run: {}", id, e.getMessage());
        }
    }
}

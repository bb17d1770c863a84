package org.maomao.schedule;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** A schedule's firing; {@link QuartzRunScheduler#fire} decides what it runs and sets the next time. */
final class ScheduledRunJob implements Job {
    static final String COLLECTOR = "collector";
    static final String DATASET = "dataset";

    private final QuartzRunScheduler scheduler;

    ScheduledRunJob(QuartzRunScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void execute(JobExecutionContext ctx) {
        scheduler.fire(ctx);
    }
}

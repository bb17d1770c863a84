package org.maomao.schedule;

import org.maomao.run.RunExecutor;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** A pending retry's time has come: the run goes back into the queue. */
final class RetryRunJob implements Job {
    static final String RUN_ID = "runId";

    private final RunExecutor executor;

    RetryRunJob(RunExecutor executor) {
        this.executor = executor;
    }

    @Override
    public void execute(JobExecutionContext ctx) {
        executor.resume(ctx.getJobDetail().getJobDataMap().getString(RUN_ID));
    }
}

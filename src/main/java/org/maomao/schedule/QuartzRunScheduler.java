package org.maomao.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.maomao.collector.CollectorRegistry;
import org.maomao.run.RunExecutor;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules in Quartz's JDBC job store, so they survive a restart. A schedule is a
 * durable job with a one-shot trigger that each firing moves to the next time; what a
 * firing runs, on time or missed while the daemon was down, and when it fires next is
 * decided outside Quartz ({@link ScheduleFiring}, {@link MissedFirings}). Jobs only hand
 * work to the {@link RunExecutor}; containers never run on Quartz's threads. (Retries
 * are not Quartz's: a retrying run is stored with its time, see {@code run.RetryTimer}.)
 */
public final class QuartzRunScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QuartzRunScheduler.class);
    /** Quartz's scheduler name: the SCHED_NAME of its rows, shared by every daemon of a cluster. */
    public static final String SCHEDULER_NAME = "maomao";
    /** The Quartz group of schedule jobs and triggers. */
    public static final String SCHEDULES = "schedules";
    /** The group where versions before the run store kept retries; emptied at start (see {@link #dropLegacyRetries}). */
    static final String LEGACY_RETRIES = "retries";
    private static final String K_COLLECTOR = ScheduledRunJob.COLLECTOR;
    private static final String K_DATASET = ScheduledRunJob.DATASET;
    private static final String K_FREQUENCY = "frequency";
    private static final String K_SOURCE = "source";
    /** How many times in a row {@link #holdToIntent} follows a flag that changes under it. */
    private static final int MAX_HOLD_ROUNDS = 20;
    /** How many upcoming fire times a listing shows. */
    public static final int NEXT_FIRE_TIMES = 3;

    private static final String K_CRON = "cron";
    private static final String K_TIMEZONE = "timezone";

    /**
     * How long {@link #close} waits for Quartz to stop: its scheduler thread and the firings
     * under way, which only queue runs.
     */
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(30);
    /** After the deadline, how long {@link #close} waits once the job store's retries are ended. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(5);

    private final Scheduler quartz;
    private final QuartzJobStore jobStore;
    private volatile Duration closeDeadline = CLOSE_DEADLINE;
    private final ZoneId zone;
    private final CollectorRegistry registry;
    private final Clock clock;
    private final ScheduleStore rows;
    private final ScheduleFiring firing;
    private final Map<String, CronSchedule> crons = new ConcurrentHashMap<>();

    /**
     * @param clustered true on a shared PostgreSQL store, where several daemons share the triggers
     */
    public QuartzRunScheduler(DataSource dataSource, boolean postgres, boolean clustered, RunExecutor executor,
                              CollectorRegistry registry, ScheduleStore rows, ZoneId zone, Clock clock, int threads) {
        this(dataSource, postgres, clustered ? QuartzClustering.SHARED_STORE : QuartzClustering.NONE, executor, registry,
                rows, zone, clock, threads);
    }

    /** @param clustering how this daemon shares the store's triggers with others (cluster mode: as a member) */
    public QuartzRunScheduler(DataSource dataSource, boolean postgres, QuartzClustering clustering, RunExecutor executor,
                              CollectorRegistry registry, ScheduleStore rows, ZoneId zone, Clock clock, int threads) {
        this(dataSource, postgres, clustering, ScheduledRuns.of(executor), registry, rows, zone, clock, threads);
    }

    /** @param runs where the schedules' firings put their runs */
    QuartzRunScheduler(DataSource dataSource, boolean postgres, boolean clustered, ScheduledRuns runs,
                       CollectorRegistry registry, ScheduleStore rows, ZoneId zone, Clock clock, int threads) {
        this(dataSource, postgres, clustered ? QuartzClustering.SHARED_STORE : QuartzClustering.NONE, runs, registry,
                rows, zone, clock, threads);
    }

    QuartzRunScheduler(DataSource dataSource, boolean postgres, QuartzClustering clustering, ScheduledRuns runs,
                       CollectorRegistry registry, ScheduleStore rows, ZoneId zone, Clock clock, int threads) {
        this.firing = new ScheduleFiring(registry, runs, new MissedFirings(clock));
        this.rows = rows;
        this.zone = zone;
        this.registry = registry;
        this.clock = clock;
        try {
            QuartzStores.Opened opened = QuartzStores.open(dataSource, postgres, clustering, threads);
            quartz = opened.scheduler();
            jobStore = opened.store();
            // Jobs get this scheduler through this factory; Quartz would otherwise need no-arg classes.
            quartz.setJobFactory((bundle, scheduler) -> new ScheduledRunJob(this));
        } catch (SchedulerException e) {
            throw new ScheduleException("cannot start Quartz on the store: " + e.getMessage(), e);
        }
    }

    public void start() {
        quartz("start", () -> {
            dropLegacyRetries();
            reconcile();
            quartz.start();
            return null;
        });
    }

    /**
     * Creates or replaces the schedule of {@code collector} into {@code dataset}; the
     * frequency must already be parsed (that is where bad input is refused). Its times
     * are in the collector's {@code timezone}, else the daemon's. A replaced schedule is
     * no longer paused: its new trigger waits, and its row says so.
     */
    public Schedule schedule(String collector, String dataset, Frequency frequency, String source) {
        return quartz("schedule", () -> {
            String id = Schedule.idOf(collector, dataset);
            ZoneId tz = registry.find(collector).map(c -> c.policy(registry.defaults()).timezone()).orElse(null);
            CronSchedule cron = new CronSchedule(frequency.quartzCron(), tz == null ? zone : tz);
            Instant next = cron.next(clock.instant()).orElseThrow(() -> new IllegalArgumentException("frequency \""
                    + frequency.text() + "\" never fires again."));
            JobDetail job = JobBuilder.newJob(ScheduledRunJob.class).withIdentity(id, SCHEDULES).storeDurably()
                    .usingJobData(K_COLLECTOR, collector).usingJobData(K_DATASET, dataset)
                    .usingJobData(K_FREQUENCY, frequency.text()).usingJobData(K_SOURCE, source)
                    .usingJobData(K_CRON, cron.expression()).usingJobData(K_TIMEZONE, cron.zone().getId()).build();
            quartz.scheduleJob(job, java.util.Set.of(trigger(id, job.getKey(), next)), true);
            rows.upsert(new ScheduleStore.Row(id, collector, dataset, frequency.text(), cron.expression(), cron.zone().getId(),
                    source, null, null, false));
            // a firing that read the old row's "paused" between the two writes may have paused the new trigger
            holdToIntent(id, null);
            log.info("schedule {}: {} ({} in {}), next at {}", id, frequency.text(), cron.expression(), cron.zone(), next);
            return find(id).orElseThrow();
        });
    }

    /**
     * One firing of a schedule. Quartz keeps only the next time (a one-shot trigger that
     * never applies its own misfire rule): {@link ScheduleFiring} decides what the firing
     * runs and when the schedule fires next, and this stores that time in the trigger.
     */
    void fire(JobExecutionContext ctx) {
        JobDataMap d = ctx.getJobDetail().getJobDataMap();
        String id = ctx.getJobDetail().getKey().getName();
        CronSchedule cron = cronOf(d.getString(K_CRON), d.getString(K_TIMEZONE));
        Instant scheduled = ctx.getScheduledFireTime().toInstant();
        firing.fire(id, d.getString(K_COLLECTOR), d.getString(K_DATASET), cron, scheduled).ifPresent(next -> {
            try {
                // Quartz keeps a trigger rescheduled during its own job (it re-checks before deleting)
                ctx.getScheduler().rescheduleJob(ctx.getTrigger().getKey(), trigger(id, ctx.getJobDetail().getKey(), next));
            } catch (SchedulerException e) {
                log.error("schedule {}: cannot set its next time {}: {}", id, next, e.getMessage());
                return;
            }
            try {
                // the new trigger waits, whatever the old one was: a pause that came during this firing
                // found the old trigger executing (COMPLETE, which pauseTrigger leaves alone) and is in the row only
                holdToIntent(id, false);
            } catch (RuntimeException | SchedulerException e) {
                log.error("schedule {}: cannot hold its trigger to its paused flag: {}", id, e.getMessage());
            }
        });
    }

    private static Trigger trigger(String id, JobKey job, Instant at) {
        return TriggerBuilder.newTrigger().withIdentity(id, SCHEDULES).forJob(job).startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionIgnoreMisfires())
                .build();
    }

    /** All schedules, by id, from one query. */
    public List<Schedule> list() {
        return rows.list(null).stream().map(this::toSchedule).toList();
    }

    /** How many schedules exist. */
    public long count() {
        return rows.count();
    }

    /** The schedules of one collector. */
    public List<Schedule> listFor(String collector) {
        return rows.list(collector).stream().map(this::toSchedule).toList();
    }

    public Optional<Schedule> find(String id) {
        return rows.find(id).map(this::toSchedule);
    }

    private Schedule toSchedule(ScheduleStore.Row r) {
        CronSchedule cron = cronOf(r.cron(), r.timezone());
        List<Instant> next = new ArrayList<>();
        if (r.nextFireTime() != null) {
            next.add(r.nextFireTime());
            next.addAll(cron.next(r.nextFireTime(), NEXT_FIRE_TIMES - 1));
        }
        // paused is the operator's word, not the trigger's state: a firing briefly leaves a paused
        // schedule's new trigger waiting, until it reads the word and pauses it (holdToIntent)
        return new Schedule(r.id(), r.collector(), r.dataset(), r.frequency(), r.cron(), r.timezone(), r.source(),
                r.paused(), next);
    }

    /** Parsed expressions are shared: thousands of daily schedules use a few dozen distinct ones. */
    private CronSchedule cronOf(String expression, String timezone) {
        return crons.computeIfAbsent(expression + " " + timezone, k -> new CronSchedule(expression, ZoneId.of(timezone)));
    }

    public boolean delete(String id) {
        return quartz("delete", () -> {
            boolean removed = quartz.deleteJob(JobKey.jobKey(id, SCHEDULES));
            removed |= rows.delete(id);
            if (removed) {
                log.info("schedule {} removed", id);
            }
            return removed;
        });
    }

    /** Removes every schedule of a collector (when it is unregistered). */
    public int deleteForCollector(String collector) {
        int n = 0;
        for (Schedule s : listFor(collector)) {
            if (delete(s.id())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Makes the schedules table and Quartz agree after a crash between their two writes:
     * a Quartz schedule job without a row gets one, a row without a job is dropped, and a
     * trigger that does not follow its row's paused flag is paused or resumed.
     */
    private void reconcile() throws SchedulerException {
        java.util.Set<String> known = new java.util.HashSet<>();
        for (ScheduleStore.Row r : rows.list(null)) {
            known.add(r.id());
            if (r.triggerState() == null && !quartz.checkExists(JobKey.jobKey(r.id(), SCHEDULES))) {
                log.warn("schedule {} had no Quartz job; removed", r.id());
                rows.delete(r.id());
            } else if (r.triggerState() == null || "COMPLETE".equals(r.triggerState())) {
                // before Quartz starts no firing is under way here: a COMPLETE trigger is one a kill left between a
                // firing and its next time, which Quartz's own recovery is about to delete
                rebuildTrigger(r);
            } else if (r.paused() != isPaused(r.triggerState())) {
                holdToIntent(r.id(), null);
            }
        }
        for (JobKey key : quartz.getJobKeys(GroupMatcher.jobGroupEquals(SCHEDULES))) {
            if (!known.contains(key.getName())) {
                JobDataMap d = quartz.getJobDetail(key).getJobDataMap();
                boolean paused = isPaused(quartz.getTriggerState(TriggerKey.triggerKey(key.getName(), SCHEDULES)).name());
                rows.upsert(new ScheduleStore.Row(key.getName(), d.getString(K_COLLECTOR), d.getString(K_DATASET),
                        d.getString(K_FREQUENCY), d.getString(K_CRON), d.getString(K_TIMEZONE), d.getString(K_SOURCE),
                        null, null, paused));
            }
        }
    }

    /**
     * Gives a schedule whose job lost its trigger a new one at its next time from now. A firing stores
     * the next time after it submitted the run: a kill between the two left the fired trigger COMPLETE,
     * Quartz deleted it when it recovered, and the schedule never fired again (its row and job still
     * there, "next" empty). The firing's run was submitted; the next firing is judged as any other.
     * Another member rebuilding it at the same start is fine: the first trigger stays. False when nothing
     * was rebuilt (a cron that never fires again, or another member's trigger came first).
     */
    private boolean rebuildTrigger(ScheduleStore.Row r) throws SchedulerException {
        Optional<Instant> next = cronOf(r.cron(), r.timezone()).next(clock.instant());
        if (next.isEmpty()) {
            return false; // a cron that never fires again lost its trigger by design
        }
        Trigger fresh = trigger(r.id(), JobKey.jobKey(r.id(), SCHEDULES), next.get());
        try {
            if (r.triggerState() == null) {
                quartz.scheduleJob(fresh);
            } else {
                quartz.rescheduleJob(fresh.getKey(), fresh); // the COMPLETE one is replaced, not kept
            }
        } catch (org.quartz.ObjectAlreadyExistsException rebuiltElsewhere) {
            return false;
        }
        log.warn("schedule {} had lost its trigger (the daemon stopped during a firing); it fires next at {}",
                r.id(), next.get());
        holdToIntent(r.id(), false);
        return true;
    }

    /**
     * Gives every schedule whose job has no trigger its next time back; returns how many. At start
     * {@link #reconcile} does it; this runs every minute too, for a trigger deleted while the daemon
     * runs (in a cluster, Quartz's recovery of a member killed during a firing deletes that firing's
     * trigger on whichever member recovers it). A firing under way replaces its trigger itself and is
     * not touched: only a missing trigger is rebuilt.
     */
    public int repairLostTriggers() {
        return quartz("repair", () -> {
            int n = 0;
            for (ScheduleStore.Row r : rows.list(null)) {
                if (r.triggerState() == null && quartz.checkExists(JobKey.jobKey(r.id(), SCHEDULES)) && rebuildTrigger(r)) {
                    n++;
                }
            }
            return n;
        });
    }

    /**
     * Pauses (or resumes) schedule {@code id}: its row's flag first, then its trigger; false
     * when it has no trigger. The flag is what lasts, see {@link #holdToIntent}.
     */
    public boolean pause(String id, boolean pause) {
        return quartz("pause", () -> {
            if (quartz.getTrigger(TriggerKey.triggerKey(id, SCHEDULES)) == null || !rows.setPaused(id, pause)) {
                return false;
            }
            holdToIntent(id, null);
            log.info("schedule {} {}", id, pause ? "paused" : "resumed");
            return true;
        });
    }

    /**
     * Makes schedule {@code id}'s trigger follow its row's paused flag (the operator's word):
     * {@code applied} is what the caller last did to the trigger (false: a firing's new trigger
     * waits; null: nothing yet). Called by pause/resume after writing the flag, and by each
     * firing after it replaced the trigger.
     * <p>
     * Why no interleaving loses a pause or a resume, on one daemon or across members: every
     * change to the trigger's paused state (pause, resume, a firing's replacement, which
     * leaves it waiting) is followed by a read of the flag, and by another change whenever the
     * flag says otherwise, until a read agrees with the last change. Take the last change made
     * to the trigger: the one who made it then read the flag and found it agreed. A later
     * write of the flag would be followed by its writer's own change, later still; so there is
     * none, and the trigger ends as the flag says. In particular a pause landing during a
     * firing finds the old trigger executing (COMPLETE; Quartz's pauseTrigger leaves it alone)
     * but has written the flag, which the firing reads after its replacement and follows; a
     * resume landing after the firing read "paused" but before it paused the new trigger
     * finds that trigger waiting (its resume does nothing), and the firing, reading the flag
     * again after its pause, resumes it. A firing that reads "not paused" does nothing: its
     * replacement already left the trigger waiting.
     */
    private void holdToIntent(String id, Boolean applied) throws SchedulerException {
        TriggerKey key = TriggerKey.triggerKey(id, SCHEDULES);
        // each round needs a new flip of the flag by an operator between its change and its read
        for (int round = 0; round < MAX_HOLD_ROUNDS; round++) {
            Optional<Boolean> paused = rows.find(id).map(ScheduleStore.Row::paused);
            if (paused.isEmpty() || paused.get().equals(applied)) {
                return; // deleted, or the trigger follows the flag
            }
            if (paused.get()) {
                quartz.pauseTrigger(key);
            } else {
                quartz.resumeTrigger(key);
            }
            applied = paused.get();
        }
        log.warn("schedule {}: its paused flag kept changing; the last operator's pause or resume sets its trigger", id);
    }

    private static boolean isPaused(String triggerState) {
        return "PAUSED".equals(triggerState) || "PAUSED_BLOCKED".equals(triggerState);
    }

    /**
     * Removes the retry jobs an earlier version kept in Quartz (their class is gone); their
     * runs are in the run store as retrying, with their time, and are retried from there.
     * Only keys are read, so no job class is loaded.
     */
    private void dropLegacyRetries() throws SchedulerException {
        List<JobKey> old = new ArrayList<>(quartz.getJobKeys(GroupMatcher.jobGroupEquals(LEGACY_RETRIES)));
        if (!old.isEmpty()) {
            quartz.deleteJobs(old);
            log.info("removed {} retry trigger(s) an earlier version kept in Quartz; the run store holds those retries",
                    old.size());
        }
    }

    /** Stops firing schedules but keeps the scheduler usable. */
    public void standby() {
        try {
            quartz.standby();
        } catch (SchedulerException e) {
            log.warn("Quartz did not pause: {}", e.getMessage());
        }
    }

    /** A call into Quartz; its checked exception becomes a {@link ScheduleException} naming {@code what}. */
    private static <T> T quartz(String what, QuartzCall<T> call) {
        try {
            return call.call();
        } catch (SchedulerException e) {
            throw new ScheduleException("the schedule store failed (" + what + "): " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface QuartzCall<T> {
        T call() throws SchedulerException;
    }

    /** For tests: how long {@link #close} waits for Quartz before it gives up. */
    void setCloseDeadline(Duration deadline) {
        this.closeDeadline = deadline;
    }

    /**
     * Stops Quartz, waiting at most {@link #CLOSE_DEADLINE} (then {@link #ABORT_GRACE}): the
     * daemon stops from a shutdown hook, which must end. Quartz's shutdown(true) interrupts its
     * scheduler thread, then joins it and waits for the firings under way (joining keeps a
     * thread still releasing an acquired trigger from writing to a closed job store). The
     * interrupt is harmless to the store: H2 is opened interrupt-safe ({@code Database}), and
     * PostgreSQL's driver ignores interrupts. Whatever else holds a Quartz thread (a firing
     * stuck in a run's submission, a store that fails every write, which Quartz retries until
     * its job store is shut down) costs the deadline and a WARN, never a hung stop; the
     * threads are never interrupted again from here.
     */
    @Override
    public void close() {
        Thread stopping = new Thread(() -> {
            try {
                quartz.shutdown(true);
            } catch (SchedulerException e) {
                log.warn("Quartz did not shut down cleanly: {}", e.getMessage());
            }
        }, "maomao-quartz-stop");
        stopping.setDaemon(true);
        stopping.start();
        Duration deadline = closeDeadline;
        if (joined(stopping, deadline)) {
            return;
        }
        log.warn("Quartz did not stop within {} (a firing or a write to the store is still going); ending its job "
                + "store's retries and stopping without it", deadline);
        if (jobStore != null) {
            Thread abort = new Thread(jobStore::abort, "maomao-quartz-abort");
            abort.setDaemon(true);
            abort.start();
        }
        if (!joined(stopping, ABORT_GRACE)) {
            log.warn("Quartz's threads are still busy {} later; left behind (Quartz recovers the triggers they hold "
                    + "at the next start)", ABORT_GRACE);
            // Quartz keeps schedulers by name until their shutdown ends: a scheduler opened next in this
            // JVM would otherwise be this one, bound to a store that is about to close
            try {
                org.quartz.impl.SchedulerRepository.getInstance().remove(quartz.getSchedulerName());
            } catch (SchedulerException e) {
                log.debug("cannot forget the Quartz left behind: {}", e.getMessage());
            }
        }
    }

    /** Whether {@code thread} ended within {@code timeout}; an interrupt of the caller ends the wait. */
    private static boolean joined(Thread thread, Duration timeout) {
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}

package org.maomao.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * The fire times of a Quartz cron expression in a time zone, correct across
 * daylight-saving changes. Quartz's own CronTrigger (and cron-utils) skip a daily run
 * whose time falls into the hour the clocks skip. Here a schedule with a fixed hour
 * follows the wall clock, like Vixie cron: a time in the skipped hour fires right after
 * the jump (02:30 becomes 03:30), and a time in the repeated hour fires once. A
 * schedule over every hour ({@code *} or a step in the hour field) follows real time,
 * so it neither doubles nor skips an hour either.
 */
public final class CronSchedule {
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime execution;
    private final boolean wallClock;

    public CronSchedule(String quartzCron, ZoneId zone) {
        this.expression = quartzCron;
        this.zone = zone;
        this.execution = ExecutionTime.forCron(QUARTZ.parse(quartzCron));
        String[] fields = quartzCron.trim().split("\\s+");
        String hour = fields.length > 2 ? fields[2] : "*";
        this.wallClock = !(hour.equals("*") || hour.startsWith("*/") || hour.startsWith("0/"));
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first fire time strictly after {@code after}, if the expression has one. */
    public Optional<Instant> next(Instant after) {
        if (!wallClock) {
            return execution.nextExecution(after.atZone(zone)).map(ZonedDateTime::toInstant);
        }
        // Walk the wall clock (local time read as if it were UTC: no gaps, no repeats), then place each
        // local time in the zone: a gap moves it forward, an overlap takes the first offset.
        LocalDateTime local = LocalDateTime.ofInstant(after, zone);
        for (int guard = 0; guard < 1000; guard++) {
            Optional<ZonedDateTime> n = execution.nextExecution(local.atZone(ZoneOffset.UTC));
            if (n.isEmpty()) {
                return Optional.empty();
            }
            local = n.get().toLocalDateTime();
            Instant at = ZonedDateTime.ofLocal(local, zone, null).toInstant();
            if (at.isAfter(after)) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }

    /** The next {@code count} fire times after {@code after}. */
    public List<Instant> next(Instant after, int count) {
        List<Instant> out = new ArrayList<>();
        Instant t = after;
        while (out.size() < count) {
            Optional<Instant> n = next(t);
            if (n.isEmpty()) {
                break;
            }
            out.add(n.get());
            t = n.get();
        }
        return out;
    }

    /** The fire times in {@code (from, to]}, at most {@code limit} of them (the latest ones). */
    public List<Instant> between(Instant from, Instant to, int limit) {
        List<Instant> all = new ArrayList<>();
        Instant t = from;
        while (true) {
            Optional<Instant> n = next(t);
            if (n.isEmpty() || n.get().isAfter(to)) {
                break;
            }
            all.add(n.get());
            if (all.size() > limit) {
                all.remove(0);
            }
            t = n.get();
        }
        return all;
    }
}

package org.maomao.schedule;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

/**
 * A schedule's frequency as a user writes it and the Quartz cron expression (with
 * seconds) it means. Accepted: {@code hourly}, {@code daily}, {@code weekly},
 * {@code monthly} and the {@code @hourly}-style names; a 5-field crontab line, where
 * Jenkins-style {@code H}, {@code H/15} and {@code H(0-29)} stand for a stable
 * per-collector value; and a Quartz cron expression with seconds
 * ({@code 0/5 * * * * ?}). The named frequencies start at a minute, hour and weekday
 * derived from the collector's name (as if written with {@code H}), so that a thousand
 * daily collectors do not all start at midnight.
 */
public record Frequency(String text, String quartzCron) {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final CronMapper UNIX_TO_QUARTZ = CronMapper.fromUnixToQuartz();
    private static final Pattern H = Pattern.compile("H(?:\\((\\d+)-(\\d+)\\))?(?:/(\\d+))?");
    /** Lowest and highest value of each crontab field; day-of-month stops at 28 so that H exists in every month. */
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 28}, {1, 12}, {0, 6}};

    /**
     * Parses {@code text} for the collector {@code spreadKey}; throws
     * IllegalArgumentException with a sentence listing what is accepted.
     */
    public static Frequency parse(String text, String spreadKey) {
        if (text == null || text.isBlank()) {
            throw unknown(text);
        }
        String t = text.trim().replaceAll("\\s+", " ");
        String named = switch (t.toLowerCase(Locale.ROOT)) {
            case "hourly", "@hourly" -> "H * * * *";
            case "daily", "@daily", "@midnight" -> "H H * * *";
            case "weekly", "@weekly" -> "H H * * H";
            case "monthly", "@monthly" -> "H H H * *";
            case "yearly", "@yearly", "annually", "@annually" -> "H H H H *";
            default -> null;
        };
        int fields = t.split(" ").length;
        String cron;
        if (named != null) {
            cron = fromCrontab(resolveH(named, spreadKey), text);
            t = t.toLowerCase(Locale.ROOT);
        } else if (fields == 5) {
            cron = fromCrontab(resolveH(t, spreadKey), text);
        } else if (fields == 6 || fields == 7) {
            cron = fromQuartz(t, text);
        } else {
            throw unknown(text);
        }
        requireFutureFiring(cron, text);
        return new Frequency(t, cron);
    }

    /** How far ahead a schedule's next firing must be: a cron that fires later than this (or never) is refused. */
    static final java.time.Duration MAX_FIRST_FIRING = java.time.Duration.ofDays(5 * 366);

    /**
     * Refuses a cron that is valid field by field but never fires within five years,
     * such as February 30th or a year in the past: it would be stored as a schedule that
     * silently does nothing.
     */
    private static void requireFutureFiring(String quartzCron, String original) {
        java.util.Date next;
        try {
            org.quartz.CronExpression e = new org.quartz.CronExpression(quartzCron);
            e.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
            next = e.getTimeAfter(new java.util.Date());
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IllegalArgumentException("frequency \"" + clip(original) + "\" is not a cron expression Quartz can run ("
                    + e.getMessage() + ").");
        }
        if (next == null || next.toInstant().isAfter(java.time.Instant.now().plus(MAX_FIRST_FIRING))) {
            throw new IllegalArgumentException("frequency \"" + clip(original) + "\" never fires in the next five years "
                    + "(a day that does not exist, such as February 30th, or a past year): check day-of-month and month.");
        }
    }

    private static String clip(String text) {
        String t = text == null ? "" : text.replaceAll("\\p{Cntrl}", " ");
        return t.length() <= 60 ? t : t.substring(0, 60) + "...";
    }

    /** Replaces each {@code H} form in a 5-field line by this key's stable value in that field's range. */
    static String resolveH(String line, String key) {
        String[] f = line.split(" ");
        long h = spread(key);
        for (int i = 0; i < f.length && i < RANGES.length; i++) {
            Matcher m = H.matcher(f[i]);
            if (!m.matches()) {
                if (f[i].contains("H")) {
                    throw new IllegalArgumentException("frequency \"" + line + "\": write H as H, H/15 or H(0-29).");
                }
                continue;
            }
            int lo = m.group(1) != null ? Integer.parseInt(m.group(1)) : RANGES[i][0];
            int hi = m.group(2) != null ? Integer.parseInt(m.group(2)) : RANGES[i][1];
            if (lo > hi || lo < RANGES[i][0] || hi > RANGES[i][1]) {
                throw new IllegalArgumentException("frequency \"" + line + "\": H(" + lo + "-" + hi
                        + ") is outside " + RANGES[i][0] + "-" + RANGES[i][1] + ".");
            }
            long mix = h / (1L << (i * 6)) + i; // another slice of the hash per field
            if (m.group(3) != null) {
                int step = Integer.parseInt(m.group(3));
                if (step < 1) {
                    throw new IllegalArgumentException("frequency \"" + line + "\": a step must be at least 1.");
                }
                int start = lo + (int) (mix % Math.min(step, hi - lo + 1));
                f[i] = start + "-" + hi + "/" + step;
            } else {
                f[i] = Integer.toString(lo + (int) (mix % (hi - lo + 1)));
            }
        }
        return String.join(" ", f);
    }

    private static String fromCrontab(String line, String original) {
        try {
            Cron unix = UNIX.parse(line);
            unix.validate();
            return UNIX_TO_QUARTZ.map(unix).asString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("frequency \"" + clip(original) + "\" is not a valid crontab line ("
                    + e.getMessage() + "): write minute hour day-of-month month day-of-week, e.g. \"0 6 * * 1\".");
        }
    }

    private static String fromQuartz(String line, String original) {
        try {
            Cron q = QUARTZ.parse(line);
            q.validate();
            return q.asString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("frequency \"" + clip(original) + "\" is not a valid Quartz cron expression ("
                    + e.getMessage() + "): write second minute hour day-of-month month day-of-week, e.g. \"0/5 * * * * ?\".");
        }
    }

    private static IllegalArgumentException unknown(String text) {
        return new IllegalArgumentException("frequency \"" + clip(text) + "\" is unknown: use hourly, daily, weekly, monthly, "
                + "a crontab line such as \"0 6 * * 1\" (H for a stable spread) or a Quartz cron such as \"0/5 * * * * ?\".");
    }

    /** A stable, well-mixed number for a name: the same name always gets the same start time. */
    static long spread(String key) {
        CRC32 crc = new CRC32();
        crc.update((key == null ? "" : key).getBytes(StandardCharsets.UTF_8));
        long x = crc.getValue();
        x ^= x >>> 16;
        x *= 0x45d9f3bL;
        x ^= x >>> 16;
        x *= 0x45d9f3bL;
        return x & Long.MAX_VALUE;
    }
}

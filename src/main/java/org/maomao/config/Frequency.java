package org.maomao.config;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

/**
 * A schedule's frequency as a user writes it ({@code hourly}, {@code daily},
 * {@code weekly}, {@code @daily}, a 5-field crontab line) and the Quartz cron
 * expression it means. {@code hourly}, {@code daily} and {@code weekly} start at a
 * stable per-collector minute, hour and weekday (derived from the collector's name,
 * like Jenkins' {@code H}) so that many collectors do not all start at midnight.
 */
public record Frequency(String text, String quartzCron) {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronMapper UNIX_TO_QUARTZ = CronMapper.fromUnixToQuartz();

    /**
     * Parses {@code text} for the collector {@code spreadKey}; throws
     * IllegalArgumentException with a sentence listing what is accepted.
     */
    public static Frequency parse(String text, String spreadKey) {
        if (text == null || text.isBlank()) {
            throw unknown(text);
        }
        String t = text.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        long h = spread(spreadKey);
        int minute = (int) (h % 60);
        int hour = (int) ((h / 60) % 24);
        int weekday = (int) ((h / 1440) % 7) + 1; // Quartz: 1 = Sunday
        String cron = switch (t) {
            case "hourly", "@hourly" -> "0 " + minute + " * * * ?";
            case "daily", "@daily", "@midnight" -> "0 " + minute + " " + hour + " * * ?";
            case "weekly", "@weekly" -> "0 " + minute + " " + hour + " ? * " + weekday;
            case "monthly", "@monthly" -> "0 " + minute + " " + hour + " " + (1 + h % 28) + " * ?";
            default -> fromCrontab(t, text);
        };
        return new Frequency(t, cron);
    }

    private static String fromCrontab(String t, String original) {
        if (t.split(" ").length != 5) {
            throw unknown(original);
        }
        try {
            Cron unix = UNIX.parse(t);
            unix.validate();
            return UNIX_TO_QUARTZ.map(unix).asString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("frequency \"" + original + "\" is not a valid crontab line ("
                    + e.getMessage() + "): write minute hour day-of-month month day-of-week, e.g. \"0 6 * * 1\".");
        }
    }

    private static IllegalArgumentException unknown(String text) {
        return new IllegalArgumentException("frequency \"" + text + "\" is unknown: use hourly, daily, weekly, monthly "
                + "or a crontab line such as \"0 6 * * 1\".");
    }

    /** A stable, well-mixed number for a name: the same name always gets the same start time. */
    static long spread(String key) {
        CRC32 crc = new CRC32();
        crc.update((key == null ? "" : key).getBytes(StandardCharsets.UTF_8));
        long x = crc.getValue();
        x ^= x >>> 16;
        x *= 0x45d9f3bL;
        x ^= x >>> 16;
        return Math.abs(x);
    }
}

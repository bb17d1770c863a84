package org.maomao;

import org.maomao.config.LogFile;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;

/**
 * Adds {@code [daemon] log_file} to the daemon's logging, next to standard error, with
 * Logback's own size-based rotation. Logback is touched only here and in logback.xml.
 */
public final class DaemonLog {
    /** The same lines as on standard error (logback.xml). */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %msg%n";
    static final String APPENDER = "FILE";

    private DaemonLog() {
    }

    /** Starts writing every log line to the file too; throws with a sentence when Logback cannot open it. */
    public static void addFile(LogFile file) {
        removeFile();
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(ctx);
        appender.setName(APPENDER);
        appender.setFile(file.path().toString());
        appender.setEncoder(encoder);
        FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
        window.setContext(ctx);
        window.setParent(appender);
        window.setFileNamePattern(file.path() + ".%i");
        window.setMinIndex(1);
        window.setMaxIndex(file.maxFiles());
        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(ctx);
        size.setMaxFileSize(new FileSize(file.maxBytes()));
        // look at the size at every line, not once a minute: a daemon logs a few lines per run,
        // and a burst must not grow the file far past log_max_size
        size.setCheckIncrement(Duration.buildByMilliseconds(0));
        appender.setRollingPolicy(window);
        appender.setTriggeringPolicy(size);
        window.start();
        size.start();
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalArgumentException("[daemon] log_file " + file.path() + " cannot be opened for writing.");
        }
        root.addAppender(appender);
    }

    /** Stops writing to the file (tests, and a daemon stopped in-process). */
    public static void removeFile() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> a = root.getAppender(APPENDER);
        if (a != null) {
            root.detachAppender(a);
            a.stop();
        }
    }
}

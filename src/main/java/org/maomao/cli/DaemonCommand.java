package org.maomao.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.maomao.DaemonLog;
import org.maomao.MaomaoDaemon;
import org.maomao.StartupException;
import org.maomao.config.DaemonConfig;
import org.maomao.config.LogFile;
import org.maomao.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code maomao daemon [--config FILE]}: runs the daemon until SIGTERM or SIGINT. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Run the maomao daemon: HTTP API, scheduler and run executor.")
public final class DaemonCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(DaemonCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "config.ini read after the standard layers")
    Path config;

    @Override
    public Integer call() throws Exception {
        // SIGHUP is handled from the first moment: by default it ends the JVM, and the daemon answers
        // /health (so a supervisor may send a reload) before start() returns. One that arrives while the
        // daemon starts is run once it is up, since the configuration may have changed after start read it.
        ReloadOnHangup reloads = new ReloadOnHangup(Thread.currentThread().getContextClassLoader());
        SignalHandler before = Signal.handle(new Signal("HUP"), sig -> reloads.signalled());
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (before == SignalHandler.SIG_IGN) {
            // The JVM keeps a SIGHUP its parent ignored (nohup) ignored, and installs no handler for it.
            log.warn("SIGHUP is ignored in this process (started under nohup?): reload with 'maomao reload' "
                    + "or POST /reload instead");
        }
        Supplier<DaemonConfig> source = () -> DaemonConfig.from(Settings.load(config, System.getenv()));
        try {
            source.get();
            // a process setting, read once: a changed log_file takes effect at the next start
            LogFile.from(Settings.load(config, System.getenv())).ifPresent(DaemonLog::addFile);
        } catch (IllegalArgumentException e) {
            System.err.println("maomao: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        // The stop hook is there before the start too: a SIGTERM that comes while the daemon starts (it
        // answers /health before start() returns) lets the start finish, then stops it cleanly.
        CountDownLatch up = new CountDownLatch(1);
        AtomicReference<MaomaoDaemon> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                up.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            MaomaoDaemon daemon = running.get();
            if (daemon != null) {
                daemon.close();
            }
            stopped.countDown();
        }, "maomao-shutdown"));
        MaomaoDaemon daemon;
        try {
            daemon = MaomaoDaemon.start(source, Clock.systemUTC());
        } catch (StartupException e) {
            up.countDown();
            System.err.println("maomao: " + e.getMessage()); // the parts already started are stopped
            return e.refused() ? ExitCode.USAGE.code() : ExitCode.FAILED.code();
        }
        running.set(daemon);
        up.countDown();
        reloads.started(daemon);
        stopped.await();
        return ExitCode.OK.code();
    }

    /** Longest a SIGTERM waits for a start under way before the JVM exits without stopping it. */
    static final Duration START_WAIT = Duration.ofMinutes(5);

    /** Reloads the daemon on SIGHUP; a signal that comes while it starts is kept and run once it is up. */
    static final class ReloadOnHangup {
        private final ClassLoader loader;
        private MaomaoDaemon daemon;
        private boolean pending;

        ReloadOnHangup(ClassLoader loader) {
            this.loader = loader;
        }

        void signalled() {
            MaomaoDaemon running;
            synchronized (this) {
                if (daemon == null) {
                    pending = true;
                    return;
                }
                running = daemon;
            }
            reload(running);
        }

        void started(MaomaoDaemon started) {
            boolean reloadNow;
            synchronized (this) {
                daemon = started;
                reloadNow = pending;
                pending = false;
            }
            if (reloadNow) {
                log.info("a SIGHUP came while the daemon started: reloading now");
                reload(started);
            }
        }

        private void reload(MaomaoDaemon running) {
            // the JVM's signal thread has no context class loader, which Quartz's JDBC proxies need
            Thread.currentThread().setContextClassLoader(loader);
            try {
                running.reload();
            } catch (RuntimeException e) {
                log.error("reload on SIGHUP failed, nothing changed: {}", e.getMessage());
            }
        }
    }
}

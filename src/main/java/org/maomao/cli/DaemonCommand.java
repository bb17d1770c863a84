package org.maomao.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

/** {@code maomao daemon [--config FILE]}: runs the daemon until SIGTERM or SIGINT. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Run the maomao daemon: HTTP API, scheduler and run executor.")
public final class DaemonCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(DaemonCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "config.ini read after the standard layers")
    Path config;

    @Override
    public Integer call() throws Exception {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Supplier<DaemonConfig> source = () -> DaemonConfig.from(Settings.load(config, System.getenv()));
        try {
            source.get();
            // a process setting, read once: a changed log_file takes effect at the next start
            LogFile.from(Settings.load(config, System.getenv())).ifPresent(DaemonLog::addFile);
        } catch (IllegalArgumentException e) {
            System.err.println("maomao: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        MaomaoDaemon daemon;
        try {
            daemon = MaomaoDaemon.start(source, Clock.systemUTC());
        } catch (StartupException e) {
            System.err.println("maomao: " + e.getMessage()); // the parts already started are stopped
            return e.refused() ? ExitCode.USAGE.code() : ExitCode.FAILED.code();
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Signal.handle(new Signal("HUP"), sig -> {
            // the JVM's signal thread has no context class loader, which Quartz's JDBC proxies need
            Thread.currentThread().setContextClassLoader(loader);
            try {
                daemon.reload();
            } catch (RuntimeException e) {
                log.error("reload on SIGHUP failed, nothing changed: {}", e.getMessage());
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "maomao-shutdown"));
        stopped.await();
        return ExitCode.OK.code();
    }
}

package org.maomao.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.maomao.MaomaoDaemon;
import org.maomao.config.DaemonConfig;
import org.maomao.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
        DaemonConfig cfg;
        try {
            Settings settings = Settings.load(config, System.getenv());
            cfg = DaemonConfig.from(settings);
            log.info("configuration from {}", settings.files().isEmpty() ? "built-in defaults" : settings.files());
        } catch (IllegalArgumentException e) {
            System.err.println("maomao: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        MaomaoDaemon daemon = MaomaoDaemon.start(cfg, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "maomao-shutdown"));
        stopped.await();
        return ExitCode.OK.code();
    }
}

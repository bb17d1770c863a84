package org.maomao;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import org.maomao.config.DaemonConfig;
import org.maomao.config.Settings;

/**
 * A daemon for bench/cluster-scale: {@code maomao daemon --config FILE} with the runs' containers
 * replaced by {@link InstantContainers}, so the benchmark measures firing and dispatch, not Docker.
 * It lives in the test classes ({@code java -cp target/maomao.jar:target/test-classes
 * org.maomao.BenchMember FILE}) and reaches the package-private
 * {@link MaomaoDaemon#start(Supplier, Clock, org.maomao.run.ContainerRunner)}: the shipped jar has
 * no setting, flag or endpoint that runs a collector without its container.
 */
public final class BenchMember {
    private BenchMember() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path config = Path.of(args[0]);
        Supplier<DaemonConfig> source = () -> DaemonConfig.from(Settings.load(config, System.getenv()));
        MaomaoDaemon daemon = MaomaoDaemon.start(source, Clock.systemUTC(), new InstantContainers());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "bench-member-shutdown"));
        stopped.await();
    }
}

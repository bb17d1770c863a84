package org.maomao;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.maomao.cluster.EtcdSpikePublisher;
import org.maomao.cluster.WebhookSpikeNotifier;
import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;
import org.maomao.config.CollectorFile;
import org.maomao.config.DaemonConfig;
import org.maomao.schedule.Frequency;
import org.maomao.dataset.GitDatasets;
import org.maomao.dataset.RemoteUrls;
import org.maomao.dataset.SshKeys;
import org.maomao.docker.DockerClients;
import org.maomao.docker.DockerContainerRunner;
import org.maomao.docker.DockerImageBuilder;
import org.maomao.http.ApiServer;
import org.maomao.metrics.PrometheusMetrics;
import org.maomao.run.RunExecutor;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.Schedule;
import org.maomao.spike.DatasetSeriesAnalyzer;
import org.maomao.store.Database;
import org.maomao.store.JdbcCollectorStore;
import org.maomao.store.JdbcRunStore;
import org.maomao.store.JdbcScheduleStore;
import org.maomao.store.JdbcSeriesStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;

/**
 * The daemon: wires the store, Docker, datasets, the run executor, Quartz and the
 * HTTP API together, declares the collectors of {@code collectors_dir}, and takes it
 * all down in reverse order on {@link #close()}.
 */
public final class MaomaoDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MaomaoDaemon.class);
    private static final int QUARTZ_THREADS = 4;

    private final Supplier<DaemonConfig> configSource;
    private final DaemonConfig config;
    private final DockerImageBuilder images;
    private final ScheduledExecutorService pusher;
    private final WebhookSpikeNotifier webhook;
    private final EtcdSpikePublisher etcd;
    private final Database db;
    private final DockerClient docker;
    private final RunExecutor executor;
    private final QuartzRunScheduler scheduler;
    private final CollectorRegistry registry;
    private final GitDatasets datasets;
    private final ApiServer api;
    private final int port;

    private MaomaoDaemon(Supplier<DaemonConfig> configSource, Clock clock) {
        this.configSource = configSource;
        this.config = configSource.get();
        Path dataDir = config.dataDir();
        for (String sub : new String[] {"db", "datasets", "runs", "keys"}) {
            try {
                Files.createDirectories(dataDir.resolve(sub));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dataDir.resolve(sub)
                        + ": check [daemon] data_dir and its permissions", e);
            }
        }
        db = Database.open(config.jdbcUrl(), config.storeUser(), config.storePassword(), Database.DEFAULT_POOL_SIZE);
        docker = DockerClients.connect(config.dockerHost());
        String instance = InstanceId.of(dataDir);
        DockerContainerRunner runner = new DockerContainerRunner(docker, config.containerUser(), instance);
        log.info("collector containers run as {} (networks allowed: {})", config.containerUser(),
                String.join(", ", config.containment().allowedNetworks()));
        if (!runner.isAvailable()) {
            log.warn("Docker engine at {} does not answer; runs fail until it does", config.dockerHost());
        }
        registry = new CollectorRegistry(new JdbcCollectorStore(db.dataSource()), config.defaults(), clock);
        registry.setAllowedImages(config.allowedImages());
        registry.setContainment(config.containment());
        registry.setSpikeCheck(own -> DatasetSeriesAnalyzer.parameters(config.spike(), own));
        JdbcRunStore runs = new JdbcRunStore(db.dataSource(), clock);
        JdbcSeriesStore series = new JdbcSeriesStore(db.dataSource(), clock);
        GitDatasets datasets = new GitDatasets(dataDir.resolve("datasets"), config.gitAuthorName(), config.gitAuthorEmail(),
                config.gitPush());
        datasets.setRemotes(new RemoteUrls(config.allowedRemotes(), dataDir));
        this.datasets = datasets;
        SshKeys keys = SshKeys.init(dataDir.resolve("keys"));
        datasets.setTransport(keys.transport());
        pusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dataset-push");
            t.setDaemon(true);
            return t;
        });
        long every = config.gitPushRetry().toMillis();
        pusher.scheduleWithFixedDelay(datasets::pushPending, every, every, TimeUnit.MILLISECONDS);
        DatasetSeriesAnalyzer analyzer = new DatasetSeriesAnalyzer(series, config.spike(),
                c -> registry.find(c).map(x -> RunPolicy.spikeSettings(x.settings())).orElse(Map.of()), clock);
        executor = new RunExecutor(runs, registry, runner, datasets, analyzer,
                dataDir.resolve("runs"), clock, config.maxConcurrentRuns());
        scheduler = new QuartzRunScheduler(db.dataSource(), db.isPostgres(), db.isPostgres(), executor, registry,
                new JdbcScheduleStore(db.dataSource(), clock, QuartzRunScheduler.SCHEDULER_NAME, QuartzRunScheduler.SCHEDULES),
                config.timezone(), clock, QUARTZ_THREADS);
        PrometheusMetrics metrics = new PrometheusMetrics(executor::queueDepth, () -> executor.activeRunIds().size(),
                scheduler::count);
        executor.setMetrics(metrics);
        datasets.setOnPushFailure(() -> metrics.error("git"));
        if (config.spikeWebhook() != null) {
            webhook = new WebhookSpikeNotifier(config.spikeWebhook(), config.spikeWebhookTimeout());
            executor.addSpikeNotifier(webhook);
        } else {
            webhook = null;
        }
        if (!config.etcdEndpoints().isEmpty()) {
            etcd = new EtcdSpikePublisher(config.etcdEndpoints(), config.etcdPrefix(), () -> metrics.error("etcd"));
            executor.addSpikeNotifier(etcd);
        } else {
            etcd = null;
        }
        images = new DockerImageBuilder(docker);
        declareCollectors(config.collectorsDir());
        datasets.clearStaleLocks();
        executor.recover();
        scheduler.start();
        Map<String, BooleanSupplier> health = new LinkedHashMap<>();
        health.put("docker", runner::isAvailable);
        health.put("store", db::isAvailable);
        health.put("git", () -> Files.isWritable(dataDir.resolve("datasets")));
        if (etcd != null) {
            health.put("etcd", etcd::isAvailable);
        }
        api = new ApiServer(new ApiServer.Parts(registry, executor, scheduler, runs, series, datasets, health, this::reload,
                keys::publicKey, metrics::scrape),
                config.token(), config.http());
        api.setSeriesRescan(analyzer);
        port = api.start(config.listenHost(), config.listenPort());
        log.info("maomao listening on http://{}:{} (data in {}, instance {})", config.listenHost(), port, dataDir, instance);
    }

    /**
     * Starts a daemon. {@code configSource} is read now and again on each reload;
     * throws with a sentence when a part cannot start.
     */
    public static MaomaoDaemon start(Supplier<DaemonConfig> configSource, Clock clock) {
        return new MaomaoDaemon(configSource, clock);
    }

    /**
     * Re-reads the configuration and the collector files (SIGHUP, {@code POST /reload}):
     * new policy defaults, and added, changed and removed declared collectors with their
     * schedules. Collectors registered through the API stay. The address, data directory
     * and store need a restart. A configuration that does not load changes nothing.
     */
    public synchronized Map<String, Object> reload() {
        DaemonConfig fresh = configSource.get();
        if (!fresh.listenHost().equals(config.listenHost()) || fresh.listenPort() != config.listenPort()
                || !fresh.dataDir().equals(config.dataDir()) || !fresh.jdbcUrl().equals(config.jdbcUrl())) {
            log.warn("reload: listen, data_dir and store changes take effect at the next restart");
        }
        registry.setDefaults(fresh.defaults());
        registry.setAllowedImages(fresh.allowedImages());
        datasets.setRemotes(new RemoteUrls(fresh.allowedRemotes(), config.dataDir()));
        registry.setContainment(fresh.containment());
        List<String> declared;
        List<String> removed = new ArrayList<>();
        try {
            declared = declareCollectors(fresh.collectorsDir());
            for (Collector c : registry.list()) {
                if (Collector.SOURCE_FILE.equals(c.source()) && !declared.contains(c.name())) {
                    scheduler.deleteForCollector(c.name());
                    registry.delete(c.name());
                    removed.add(c.name());
                }
            }
        } catch (org.maomao.schedule.ScheduleException e) {
            throw new IllegalStateException("reload failed in the scheduler: " + e.getMessage(), e);
        }
        log.info("reloaded: {} declared collector(s), removed {}", declared.size(), removed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("declared", declared);
        out.put("removed", removed);
        return out;
    }

    /**
     * Registers (building where asked) and schedules the collectors declared in files;
     * returns the names applied. A file that does not load is logged and skipped, so one
     * bad file does not keep the others out.
     */
    private List<String> declareCollectors(Path dir) {
        List<String> applied = new ArrayList<>();
        for (CollectorFile f : CollectorFile.scan(dir, e -> log.error("collector file not applied: {}", e.getMessage()))) {
            try {
                if (f.buildDir() != null) {
                    log.info("building image {} for collector {} from {}", f.image(), f.name(), f.buildDir());
                    images.build(f.buildDir(), f.image());
                }
                registry.register(f.name(), f.image(), f.dataset(), f.settings(), Collector.SOURCE_FILE);
                for (Schedule s : scheduler.listFor(f.name())) {
                    boolean stale = "file".equals(s.source())
                            && (f.schedule() == null || !s.dataset().equals(f.dataset()));
                    if (stale) {
                        scheduler.delete(s.id());
                    }
                }
                if (f.schedule() != null) {
                    Frequency freq = Frequency.parse(f.schedule(), f.name());
                    Schedule old = scheduler.find(Schedule.idOf(f.name(), f.dataset())).orElse(null);
                    if (old == null || !freq.quartzCron().equals(old.cron()) || !"file".equals(old.source())) {
                        scheduler.schedule(f.name(), f.dataset(), freq, "file");
                    }
                }
                applied.add(f.name());
            } catch (RuntimeException e) {
                log.error("collector file {} not applied: {}", f.file(), e.getMessage());
            }
        }
        return applied;
    }

    /** The routes the API serves, as "METHOD /path". */
    public List<String> routes() {
        return api.routeList();
    }

    /** The port the API listens on. */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        log.info("maomao stopping");
        api.close();
        pusher.shutdownNow();
        scheduler.standby(); // no new firings while the runs stop
        executor.shutdown(config.shutdownGrace());
        scheduler.close();
        try {
            docker.close();
        } catch (IOException e) {
            log.debug("closing the Docker client: {}", e.getMessage());
        }
        if (webhook != null) {
            webhook.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        db.close();
        log.info("maomao stopped");
    }
}

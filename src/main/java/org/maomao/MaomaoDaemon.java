package org.maomao;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.maomao.cluster.EtcdMembership;
import org.maomao.cluster.EtcdSpikePublisher;
import org.maomao.cluster.LocalMember;
import org.maomao.cluster.Member;
import org.maomao.cluster.MemberRefused;
import org.maomao.cluster.Members;
import org.maomao.cluster.WebhookSpikeNotifier;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;
import org.maomao.config.ClusterConfig;
import org.maomao.config.DaemonConfig;
import org.maomao.dataset.GitDatasets;
import org.maomao.dataset.RemoteUrls;
import org.maomao.dataset.SshKeys;
import org.maomao.docker.DockerContainerRunner;
import org.maomao.docker.DockerEngine;
import org.maomao.http.ApiServer;
import org.maomao.metrics.PrometheusMetrics;
import org.maomao.notify.LocalNotifications;
import org.maomao.notify.NotificationSource;
import org.maomao.run.ContainerRunner;
import org.maomao.run.RunExecutor;
import org.maomao.schedule.LateSchedules;
import org.maomao.schedule.QuartzClustering;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.spike.DatasetSeriesAnalyzer;
import org.maomao.store.Database;
import org.maomao.store.JdbcCollectorStore;
import org.maomao.store.JdbcRunStore;
import org.maomao.store.JdbcScheduleStore;
import org.maomao.store.JdbcSeriesStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: wires the store, Docker, datasets, the run executor, Quartz and the
 * HTTP API together, declares the collectors of {@code collectors_dir}, and takes it
 * all down in reverse order on {@link #close()}. Each part is started in order on a
 * {@link Startup} stack, so a part that fails to start stops those started before it.
 */
public final class MaomaoDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MaomaoDaemon.class);
    private static final int QUARTZ_THREADS = 4;

    private final Supplier<DaemonConfig> configSource;
    private final DaemonConfig config;
    private final Startup started;
    private final CollectorRegistry registry;
    private final GitDatasets datasets;
    private final DeclaredCollectors declared;
    private final ApiServer api;
    private volatile int port;
    /** Where this daemon's API answers, as members list it; known once the port is bound. */
    private volatile String apiUrl;
    private static final String VERSION = version();
    /** How long a watcher's stream stays silent before a heartbeat line (a dead connection then fails a write). */
    static final java.time.Duration WATCH_HEARTBEAT = java.time.Duration.ofSeconds(15);
    /** The longest a run's commit waits for its dataset's cluster lock: many members' pushes, each bounded by a minute. */
    static final java.time.Duration DATASET_LOCK_WAIT = java.time.Duration.ofMinutes(5);

    private MaomaoDaemon(Supplier<DaemonConfig> configSource, Clock clock, ContainerRunner containers, Startup up) {
        this.configSource = configSource;
        this.config = configSource.get();
        this.started = up;
        Path dataDir = config.dataDir();
        // the member joins first: an id a live member holds, or another version, is refused before anything is written
        ClusterConfig cluster = config.cluster();
        Instant startedAt = clock.instant();
        AtomicReference<RunExecutor> running = new AtomicReference<>();
        Supplier<Member> self = () -> new Member(memberId(), apiUrl, VERSION, config.maxConcurrentRuns(),
                running.get() == null ? 0 : running.get().activeRunIds().size(), startedAt);
        if (config.listenPort() != 0) {
            apiUrl = cluster.apiUrlFor(config.listenHost(), config.listenPort());
        }
        Members members = new LocalMember(self);
        if (cluster.enabled()) {
            members = joinCluster(up, self);
        }
        for (String sub : new String[] {"db", "datasets", "runs", "keys"}) {
            up.run("create " + dataDir.resolve(sub), "check [daemon] data_dir and its permissions", () -> {
                try {
                    Files.createDirectories(dataDir.resolve(sub));
                } catch (IOException e) {
                    throw new UncheckedIOException(e.toString(), e);
                }
            });
        }
        Database db = up.open("open the store at " + Database.redacted(config.jdbcUrl()),
                "check [store] url, user and password, and that the database is up",
                () -> Database.open(config.jdbcUrl(), config.storeUser(), config.storePassword(), Database.DEFAULT_POOL_SIZE),
                Database::close);
        DockerEngine docker = up.open("connect to the Docker engine at " + config.dockerHost(), "check [docker] host",
                () -> DockerEngine.connect(config.dockerHost()), DockerEngine::close);
        String instance = InstanceId.of(dataDir);
        DockerContainerRunner runner = docker.runner(config.containerUser(), instance);
        log.info("collector containers run as {} (networks allowed: {})", config.containerUser(),
                String.join(", ", config.containment().allowedNetworks()));
        // the runs' containers: Docker's, unless a benchmark started this daemon with its own (never from config)
        ContainerRunner attempts = containers != null ? containers : runner;
        if (!attempts.isAvailable()) {
            log.warn("Docker engine at {} does not answer; runs fail until it does", config.dockerHost());
        }
        registry = new CollectorRegistry(new JdbcCollectorStore(db.dataSource()), config.defaults(), config.spike(), clock);
        registry.setAllowedImages(config.allowedImages());
        registry.setContainment(config.containment());
        JdbcRunStore runs = new JdbcRunStore(db.dataSource(), clock);
        JdbcSeriesStore series = new JdbcSeriesStore(db.dataSource(), clock);
        GitDatasets datasets = new GitDatasets(dataDir.resolve("datasets"), config.gitAuthorName(), config.gitAuthorEmail(),
                config.gitPush());
        datasets.setRemotes(new RemoteUrls(config.allowedRemotes(), dataDir));
        if (members instanceof EtcdMembership m) {
            // members share each dataset through its remote, one commit at a time under an etcd lock
            datasets.enableCluster(m.datasetLocks(DATASET_LOCK_WAIT), m.datasetCatalog());
        }
        this.datasets = datasets;
        SshKeys keys = SshKeys.init(dataDir.resolve("keys"));
        datasets.setTransport(keys);
        DatasetSeriesAnalyzer analyzer = new DatasetSeriesAnalyzer(series, config.spike(),
                c -> registry.find(c).map(x -> RunPolicy.spikeSettings(x.settings())).orElse(Map.of()), clock);
        // the executor's workers start with its first run (recovery, below), so its stop is pushed there
        RunExecutor executor = new RunExecutor(runs, registry, attempts, datasets, analyzer,
                dataDir.resolve("runs"), clock, config.maxConcurrentRuns());
        running.set(executor);
        if (cluster.enabled()) {
            // the store is the members' queue; each attempt is owned and fenced by its member
            Members listed = members;
            String memberId = members.selfId();
            runner.setMember(memberId);
            executor.joinCluster(memberId, () -> liveIds(listed));
        }
        // a member shares the triggers of the store as itself; a lone daemon on PostgreSQL stays clustered
        // so that daemons sharing a store by mistake never fire one schedule twice
        QuartzClustering clustering = cluster.enabled() ? QuartzClustering.member(cluster.memberId(), cluster.checkinInterval())
                : db.isPostgres() ? QuartzClustering.SHARED_STORE : QuartzClustering.NONE;
        QuartzRunScheduler scheduler = up.open("start Quartz on the store", "check the [store] database",
                () -> new QuartzRunScheduler(db.dataSource(), db.isPostgres(), clustering, executor, registry,
                        new JdbcScheduleStore(db.dataSource(), clock, QuartzRunScheduler.SCHEDULER_NAME,
                                QuartzRunScheduler.SCHEDULES),
                        config.timezone(), clock, QUARTZ_THREADS),
                QuartzRunScheduler::close);
        PrometheusMetrics metrics = new PrometheusMetrics(executor::queueDepth, () -> executor.activeRunIds().size(),
                scheduler::count);
        executor.setMetrics(metrics);
        datasets.setOnPushFailure(() -> metrics.error("git"));
        if (config.spikeWebhook() != null) {
            WebhookSpikeNotifier webhook = up.open("set up the spike webhook", "check [spike] webhook",
                    () -> new WebhookSpikeNotifier(config.spikeWebhook(), config.spikeWebhookTimeout()),
                    WebhookSpikeNotifier::close);
            executor.addSpikeNotifier(webhook);
            executor.addAlertNotifier(webhook);
        }
        EtcdSpikePublisher etcd = null;
        NotificationSource notifications;
        if (!config.etcdEndpoints().isEmpty()) {
            etcd = up.open("connect to etcd at " + String.join(", ", config.etcdEndpoints()), "check [etcd] endpoints",
                    () -> new EtcdSpikePublisher(config.etcdEndpoints(), config.etcdPrefix(),
                            config.watch().notificationTtl(), () -> metrics.error("etcd")),
                    EtcdSpikePublisher::close);
            executor.addSpikeNotifier(etcd);
            executor.addAlertNotifier(etcd);
            executor.addRunEndNotifier(etcd);
            notifications = etcd.notifications(); // every daemon's, through an etcd watch
        } else {
            LocalNotifications local = new LocalNotifications(); // this daemon's own, as they happen
            executor.addSpikeNotifier(local);
            executor.addAlertNotifier(local);
            executor.addRunEndNotifier(local);
            notifications = local;
        }
        // stopped before Quartz closes and the store: runs interrupted at shutdown are stored as retrying
        up.onClose("the run executor", () -> executor.shutdown(config.shutdownGrace()));
        declared = new DeclaredCollectors(registry, scheduler, docker.images(),
                members instanceof EtcdMembership m ? m.declarations() : null);
        declared.start(config.collectorsDir());
        up.run("clear stale git locks", "check the datasets under " + dataDir.resolve("datasets"),
                datasets::clearStaleLocks);
        up.run("recover the runs of the last start", "check the [store] database", executor::recover);
        up.run("start the schedules", "check the [store] database", scheduler::start);
        LateSchedules late = up.open("watch the schedules for lateness", "check the [store] database",
                () -> new LateSchedules(scheduler::list, clock, config.lateAfter(), executor.alerts()).start(),
                LateSchedules::close);
        up.onClose("the schedules' firings", scheduler::standby); // no new firings while the runs stop
        ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dataset-push");
            t.setDaemon(true);
            return t;
        });
        up.onClose("the dataset push", pusher::shutdownNow);
        long every = config.gitPushRetry().toMillis();
        pusher.scheduleWithFixedDelay(datasets::pushPending, every, every, TimeUnit.MILLISECONDS);
        // a schedule whose trigger was deleted while the daemon runs (a member killed during a firing) fires again
        pusher.scheduleWithFixedDelay(() -> {
            try {
                scheduler.repairLostTriggers();
            } catch (RuntimeException e) {
                log.warn("cannot look for schedules without a next time: {}", e.getMessage());
            }
        }, 60, 60, TimeUnit.SECONDS);
        Map<String, BooleanSupplier> health = new LinkedHashMap<>();
        health.put("docker", attempts::isAvailable);
        health.put("store", db::isAvailable);
        health.put("git", () -> Files.isWritable(dataDir.resolve("datasets")));
        if (etcd != null) {
            health.put("etcd", etcd::isAvailable);
        }
        if (members instanceof EtcdMembership m) {
            health.put("cluster", m::isListed);
        }
        api = new ApiServer(new ApiServer.Parts(registry, executor, scheduler, runs, series, datasets, analyzer, health,
                this::reload, keys::publicKey, metrics::scrape, late::late, members),
                config.token(), config.http());
        api.serveWatch(notifications, config.watch().maxWatchers(), WATCH_HEARTBEAT);
        metrics.watchers(api::watchers);
        up.onClose("the HTTP API", api::close); // before start: a listen that fails half-way is undone too
        port = up.call("listen on " + config.listenHost() + ":" + config.listenPort(),
                "check [daemon] listen, or stop what uses that address",
                () -> api.start(config.listenHost(), config.listenPort()));
        apiUrl = cluster.apiUrlFor(config.listenHost(), port); // the member's value follows within a second
        log.info("maomao listening on http://{}:{} (data in {}, instance {})", config.listenHost(), port, dataDir, instance);
    }

    /** Joins the cluster in etcd; a refusal (id in use, another version) is the operator's to fix: exit 2. */
    private Members joinCluster(Startup up, Supplier<Member> self) {
        ClusterConfig cluster = config.cluster();
        try {
            return up.open("join the cluster as member " + cluster.memberId() + " in etcd at "
                            + String.join(", ", config.etcdEndpoints()),
                    "check [etcd] endpoints and that etcd is up",
                    () -> EtcdMembership.join(config.etcdEndpoints(), config.etcdPrefix(), cluster.leaseTtl(), self),
                    EtcdMembership::close);
        } catch (StartupException e) {
            if (e.getCause() instanceof MemberRefused r) {
                throw StartupException.refused("cannot join the cluster: " + r.getMessage(), r);
            }
            throw e;
        }
    }

    /** The ids of the members listed now; none when the list cannot be read (then no run is taken over). */
    private static Set<String> liveIds(Members members) {
        try {
            return members.list().stream().map(Member::id).collect(java.util.stream.Collectors.toSet());
        } catch (RuntimeException e) {
            log.warn("cannot list the cluster's members ({}); no run of another member is taken over meanwhile",
                    e.getMessage());
            return Set.of();
        }
    }

    /** This daemon's member id: [cluster] member_id, else hostname:port of its API. */
    private String memberId() {
        String id = config.cluster().memberId();
        return id != null ? id : ClusterConfig.hostname() + ":" + (port != 0 ? port : config.listenPort());
    }

    /** The maomao version of this jar (its manifest), or "dev" when run from classes. */
    static String version() {
        String v = MaomaoDaemon.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Starts a daemon. {@code configSource} is read now and again on each reload. When a part
     * cannot start, the parts started before it are stopped, newest first, and this throws with a
     * sentence ({@link StartupException} when the part is known).
     */
    public static MaomaoDaemon start(Supplier<DaemonConfig> configSource, Clock clock) {
        return start(configSource, clock, null);
    }

    /**
     * As {@link #start(Supplier, Clock)}, with the runs' attempts handed to {@code containers} instead of
     * Docker (null: Docker). Package-private on purpose: only bench/cluster-scale uses it (through
     * {@code BenchMember} in the test classes, never in the jar), so no setting, flag or request can swap
     * the containment of a real daemon.
     */
    static MaomaoDaemon start(Supplier<DaemonConfig> configSource, Clock clock, ContainerRunner containers) {
        Startup up = new Startup();
        try {
            return new MaomaoDaemon(configSource, clock, containers, up);
        } catch (RuntimeException | Error e) {
            up.close();
            throw e;
        }
    }

    /**
     * Re-reads the configuration and the collector files (SIGHUP, {@code POST /reload}):
     * new policy defaults, and added, changed and removed declared collectors with their
     * schedules. Collectors registered through the API stay. The address, data directory
     * and store need a restart. A configuration or a collector file that does not load changes
     * nothing (400 with the reasons); a file that loads but cannot be applied (its image does not
     * build) keeps its collector as it was.
     */
    public synchronized Map<String, Object> reload() {
        DaemonConfig fresh = configSource.get();
        // a collector file that does not read is refused with everything else: the running collectors stay
        DeclaredCollectors.Scanned files = DeclaredCollectors.scan(fresh.collectorsDir());
        List<String> problems = new ArrayList<>(files.unreadable().values());
        for (org.maomao.config.CollectorFile f : files.files()) {
            // what its registration will refuse, under the configuration being loaded: refused now, with the rest
            try {
                registry.check(f.name(), f.image(), f.dataset(), f.settings(), fresh.defaults(), fresh.containment(),
                        fresh.allowedImages());
            } catch (IllegalArgumentException e) {
                problems.add(f.file() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("nothing was reloaded: " + String.join("; ", problems)
                    + (problems.get(problems.size() - 1).endsWith(".") ? "" : "."));
        }
        if (!fresh.listenHost().equals(config.listenHost()) || fresh.listenPort() != config.listenPort()
                || !fresh.dataDir().equals(config.dataDir()) || !fresh.jdbcUrl().equals(config.jdbcUrl())
                || !fresh.cluster().equals(config.cluster())) {
            log.warn("reload: listen, data_dir, store and [cluster] changes take effect at the next restart");
        }
        registry.setDefaults(fresh.defaults());
        registry.setAllowedImages(fresh.allowedImages());
        datasets.setRemotes(new RemoteUrls(fresh.allowedRemotes(), config.dataDir()));
        registry.setContainment(fresh.containment());
        DeclaredCollectors.Reconciled done = declared.reconcile(files);
        log.info("reloaded: {} declared collector(s), removed {}", done.declared().size(), done.removed());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("declared", done.declared());
        out.put("removed", done.removed());
        return out;
    }

    /** The routes the API serves, as "METHOD /path". */
    public List<String> routes() {
        return api.routeList();
    }

    /** The port the API listens on. */
    public int port() {
        return port;
    }

    /** Stops every part in reverse order of start: the API first, the store last. */
    @Override
    public void close() {
        log.info("maomao stopping");
        started.close();
        log.info("maomao stopped");
    }
}

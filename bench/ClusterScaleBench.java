import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.maomao.testing.Ports;
import org.maomao.testing.PostgresServer;

/**
 * Cluster scale, one command: bench/cluster-scale. Starts one real PostgreSQL and one real etcd,
 * registers {@code schedules} collectors with a second-level schedule each (dataset none), then for
 * each member count starts that many members (separate JVMs, each its own clustered Quartz, run by
 * org.maomao.BenchMember: runs end at once, no container) on a fresh copy of that store and measures:
 * <ol>
 *   <li>steady: each schedule every {@code period} s, spread over the period (offered schedules/period
 *       firings a second); for the fire times in a {@code window}: runs submitted a second, lateness
 *       p50/p99 (run submitted, and run started, behind its fire time), missed and doubled;</li>
 *   <li>burst: {@code burst} schedules due in the same second while the others go on; every scheduled
 *       firing dispatched from that second until the last of them, a second, is the cluster's capacity.</li>
 * </ol>
 * Store load per firing (transactions and row writes, from pg_stat_*), sessions waiting on a lock,
 * CPU per firing of the members and of PostgreSQL, and etcd's writes are printed with each row;
 * ratios are against the first member count of the same run.
 */
public class ClusterScaleBench {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final Path TEST_CLASSES = Path.of("target/test-classes").toAbsolutePath();
    static final Path JAR = Path.of("target/maomao.jar").toAbsolutePath();
    static final long CLK_TCK = 100;

    final int schedules = Integer.getInteger("schedules", 10_000);
    final int period = Integer.getInteger("period", 600);
    final int window = Integer.getInteger("window", 60);
    final int warm = Integer.getInteger("warm", 5);
    final int slots = Integer.getInteger("slots", 8);
    final int burst = Integer.getInteger("burst", 1000);
    /** Seconds a member took to start (the populating one), to plan when the schedules start firing. */
    double startSeconds = 15;
    final int[] counts = java.util.Arrays.stream(System.getProperty("members", "1,2,3,4").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    final Path work;
    final PostgresServer pg = PostgresServer.shared();
    Etcd etcd;

    ClusterScaleBench(Path work) {
        this.work = work;
    }

    /** Members still running, stopped if the benchmark is interrupted. */
    static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroy)));
        Path work = Files.createTempDirectory("maomao-cluster-bench");
        ClusterScaleBench b = new ClusterScaleBench(work);
        try {
            b.run();
        } finally {
            if (b.etcd != null) {
                b.etcd.close();
            }
            System.out.println("(logs of the members in " + work + ")");
        }
    }

    void run() throws Exception {
        if (period <= 0 || (period <= 60 ? 60 % period != 0 : period % 60 != 0 || 3600 % period != 0)) {
            throw new IllegalArgumentException("-Dperiod must divide 60 (1, 2, 3, 5, 10, 15, 30, 60 ...) or be whole minutes "
                    + "that divide an hour (120, 300, 600, 900, 1800, 3600)");
        }
        System.out.printf("cluster scale: %d schedules, each every %d s (offered %.0f firings/s), window %d s, "
                        + "%d slots a member, members %s; %d cores, load %s%n", schedules, period, (double) schedules / period,
                window, slots, java.util.Arrays.toString(counts), Runtime.getRuntime().availableProcessors(), loadavg());
        etcd = Etcd.start(work);
        String base = pg.newDatabase();
        populate(base);
        List<Result> results = new ArrayList<>();
        for (int n : counts) {
            results.add(phase(base, n));
        }
        print(results);
    }

    // ---- population: the collectors and schedules, once, into a template database ----

    void populate(String base) throws Exception {
        long t0 = System.nanoTime();
        long s0 = System.nanoTime();
        Member m = Member.start(this, base, "/bench/populate", "p1");
        startSeconds = (System.nanoTime() - s0) / 1e9;
        try {
            // one collector and its schedule through the API: the rows the product writes for it are the model
            String r1 = post(m.port, "/register", "{\"name\":\"" + collector(0) + "\",\"url\":\"maomao-bench/instant:1\","
                    + "\"dataset\":\"none\"}");
            String r2 = post(m.port, "/run", "{\"name\":\"" + collector(0) + "\",\"cron\":true,\"frequency\":\"" + cron(0) + "\"}");
            if (r1.contains("\"error\"") || r2.contains("\"error\"")) {
                throw new IllegalStateException("cannot create the model schedule: " + r1 + " " + r2);
            }
        } finally {
            m.stop();
        }
        clone(base);
        // the template holds collectors and schedules only: a run the model fired meanwhile is dropped
        sql(base, "DELETE FROM mm_run_events", "DELETE FROM mm_runs", "DELETE FROM mm_series",
                "DELETE FROM QRTZ_SCHEDULER_STATE", "DELETE FROM QRTZ_FIRED_TRIGGERS");
        // the planner's statistics, as autovacuum would gather them on a store that grew to this size: without
        // them PostgreSQL reads a job by its group's index, 10,000 rows for one (a bulk copy's artefact)
        sql(base, "ANALYZE");
        System.out.printf("created 1 collector and its schedule through the API, copied in SQL to %d in %.0f s%n", schedules,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Copies the model's rows (collector, schedule, Quartz job, trigger) to collectors 1..schedules-1, as the API
     * would have written them: the same columns, with the name, the frequency, its Quartz cron (parsed by the
     * product's own Frequency) and the Quartz job's data map (deserialized and serialized as Quartz does).
     * Ten thousand API calls would take longer than the benchmark itself on a small machine.
     */
    void clone(String base) throws Exception {
        String model = collector(0);
        String modelId = model + "@none";
        Map<String, String> parsed = new HashMap<>(); // the product's parse of each distinct frequency
        try (Connection c = connect(base)) {
            c.setAutoCommit(false);
            for (String[] t : new String[][] {{"mm_collectors", "name", model}, {"mm_schedules", "id", modelId},
                    {"qrtz_job_details", "job_name", modelId}, {"qrtz_triggers", "trigger_name", modelId},
                    {"qrtz_simple_triggers", "trigger_name", modelId}}) {
                Map<String, Object> row = new LinkedHashMap<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t[0] + " WHERE " + t[1] + " = ?")) {
                    ps.setString(1, t[2]);
                    try (ResultSet r = ps.executeQuery()) {
                        if (!r.next()) {
                            throw new IllegalStateException("no model row in " + t[0]);
                        }
                        for (int k = 1; k <= r.getMetaData().getColumnCount(); k++) {
                            row.put(r.getMetaData().getColumnName(k).toLowerCase(Locale.ROOT), r.getObject(k));
                        }
                    }
                }
                String cols = String.join(", ", row.keySet());
                String marks = String.join(", ", java.util.Collections.nCopies(row.size(), "?"));
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + t[0] + " (" + cols + ") VALUES (" + marks + ")")) {
                    for (int i = 1; i < schedules; i++) {
                        String name = collector(i);
                        String id = name + "@none";
                        String frequency = cron(i);
                        String quartz = parsed.computeIfAbsent(frequency,
                                f -> org.maomao.schedule.Frequency.parse(f, name).quartzCron());
                        int k = 1;
                        for (Map.Entry<String, Object> e : row.entrySet()) {
                            Object v = switch (e.getKey()) {
                                case "name", "collector" -> name;
                                case "id", "job_name", "trigger_name" -> id;
                                case "frequency" -> frequency;
                                case "cron" -> quartz;
                                case "job_data" -> t[0].equals("qrtz_job_details") ? jobData((byte[]) e.getValue(), name, frequency,
                                        quartz) : e.getValue();
                                default -> e.getValue();
                            };
                            ins.setObject(k++, v);
                        }
                        ins.addBatch();
                        if (i % 1000 == 0) {
                            ins.executeBatch();
                        }
                    }
                    ins.executeBatch();
                }
            }
            c.commit();
        }
    }

    /** The model job's data map with another collector and frequency, serialized as Quartz's JDBC store does. */
    static byte[] jobData(byte[] model, String collector, String frequency, String quartz) throws Exception {
        org.quartz.JobDataMap d;
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(model))) {
            d = (org.quartz.JobDataMap) in.readObject();
        }
        if (!d.containsKey("collector") || !d.containsKey("cron") || !d.containsKey("frequency")) {
            throw new IllegalStateException("the model job's data has no collector, cron or frequency: " + d.keySet());
        }
        d.put("collector", collector);
        d.put("frequency", frequency);
        d.put("cron", quartz);
        var out = new java.io.ByteArrayOutputStream();
        try (var o = new java.io.ObjectOutputStream(out)) {
            o.writeObject(d);
        }
        return out.toByteArray();
    }

    static String collector(int i) {
        return String.format("c%05d", i);
    }

    /**
     * Schedule i fires at offset i mod period of each period: a Quartz cron with seconds, every period
     * seconds (a divisor of 60) or every period/60 minutes (a divisor of 60 minutes).
     */
    String cron(int i) {
        int o = i % period;
        if (period <= 60) {
            return period == 60 ? o + " * * * * ?" : o + "/" + period + " * * * * ?";
        }
        int every = period / 60;
        return (o % 60) + " " + (o / 60) + (every == 60 ? "" : "/" + every) + " * * * ?";
    }

    // ---- one member count ----

    Result phase(String base, int n) throws Exception {
        Result res = new Result(n);
        String db = pg.newDatabase(PostgresServer.nameOf(base));
        String prefix = "/bench/m" + n;
        List<Member> members = new ArrayList<>();
        // the members start with every trigger far ahead, one after the other (JVMs starting together on a small
        // machine starve etcd past its 5 s answers); then the steady cadence starts at t0, when every member's
        // Quartz has looked for triggers again
        sql(db, "UPDATE QRTZ_TRIGGERS SET NEXT_FIRE_TIME = " + Instant.parse("2100-01-01T00:00:00Z").toEpochMilli());
        try {
            for (int i = 0; i < n; i++) {
                members.add(Member.start(this, db, prefix, "m" + (i + 1)));
                RUNNING.add(members.get(i).process);
            }
            long up = System.currentTimeMillis();
            // a Quartz with no trigger due looks again after up to 30 s, and was seen to fire ~50 s after its start:
            // two idle waits and a margin, so that no start-up backlog counts as lateness
            long t0 = (up / 1000 + 65) * 1000;
            align(db, t0);
            // steady: the fire times in [ws, we)
            long ws = t0 + warm * 1000L;
            long we = ws + window * 1000L;
            long expected = expected(ws, we);
            sleepUntil(ws);
            Stats before = stats(db, members);
            Sampler sampler = new Sampler(db);
            sampler.start();
            sleepUntil(we);
            Stats after = stats(db, members);
            res.steadyWaiting = sampler.stop();
            awaitDispatched(db, ws, we - 1, expected, Duration.ofSeconds(60));
            res.steady = lateness(db, ws, we);
            res.expected = expected;
            res.steadyLoad = after.minus(before);
            res.perMember = perMember(db, ws, we);
            res.createdInWindow = scalar(db, "SELECT COUNT(*) FROM mm_runs WHERE trigger_kind='schedule' AND created_at >= " + ws
                    + " AND created_at < " + we);
            if (burst > 0) {
                // burst: the first `burst` schedules all due in the same second, while the others keep their cadence
                long due = (System.currentTimeMillis() / 1000 + 2) * 1000;
                long moved;
                try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement("UPDATE QRTZ_TRIGGERS SET "
                        + "NEXT_FIRE_TIME = ? WHERE TRIGGER_STATE = 'WAITING' AND TRIGGER_NAME < ?")) {
                    ps.setLong(1, due);
                    ps.setString(2, collector(Math.min(burst, schedules)));
                    moved = ps.executeUpdate();
                }
                sampler = new Sampler(db);
                sampler.start();
                before = stats(db, members);
                long end = awaitDispatched(db, due, due, moved, Duration.ofSeconds(Math.max(180, burst / 5)),
                        Duration.ofSeconds(120));
                after = stats(db, members);
                res.burstWaiting = sampler.stop();
                res.burst = lateness(db, due, due + 1);
                res.burstAll = scalar(db, "SELECT COUNT(*) FROM mm_runs WHERE trigger_kind='schedule' AND created_at >= " + due
                        + " AND created_at <= " + end);
                res.burstEnd = end;
                res.burstDue = due;
                res.burstMoved = moved;
                res.burstLoad = after.minus(before);
            }
            res.doubled = scalar(db, "SELECT COUNT(*) FROM (SELECT r.schedule_id, e.payload FROM mm_runs r JOIN mm_run_events e "
                    + "ON e.run_id=r.id AND e.type='submitted' WHERE r.trigger_kind='schedule' "
                    + "GROUP BY r.schedule_id, e.payload HAVING COUNT(*) > 1) d");
            res.load = loadavg();
            System.out.println(res.line());
        } finally {
            for (Member m : members) {
                m.stop();
            }
            pg.dropDatabase(db);
        }
        return res;
    }

    /** Sets each trigger to its schedule's first fire time at or after {@code due}. */
    void align(String db, long due) throws SQLException {
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(
                "UPDATE QRTZ_TRIGGERS SET NEXT_FIRE_TIME=? WHERE TRIGGER_NAME=?")) {
            c.setAutoCommit(false);
            for (int i = 0; i < schedules; i++) {
                ps.setLong(1, firstAtOrAfter(i, due));
                ps.setString(2, collector(i) + "@none");
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
    }

    long firstAtOrAfter(int i, long t) {
        long s = Math.floorDiv(t + 999, 1000);
        long off = Math.floorMod(i % period - s, period);
        return (s + off) * 1000;
    }

    /** The (schedule, fire time) pairs in [ws, we). */
    long expected(long ws, long we) {
        long n = 0;
        for (int i = 0; i < schedules; i++) {
            for (long t = firstAtOrAfter(i, ws); t < we; t += period * 1000L) {
                n++;
            }
        }
        return n;
    }

    /** Waits until {@code expected} runs with fire times in [from, to] exist, or no new one came for 45 s; returns when the last came. */
    long awaitDispatched(String db, long from, long to, long expected, Duration max) throws Exception {
        return awaitDispatched(db, from, to, expected, max, Duration.ofSeconds(45));
    }

    /** As above; {@code stall}: how long without a new one ends the wait (a burst behind a backlog waits longer). */
    long awaitDispatched(String db, long from, long to, long expected, Duration max, Duration stall) throws Exception {
        long deadline = System.currentTimeMillis() + max.toMillis();
        long seen = 0;
        long lastGrowth = Math.max(System.currentTimeMillis(), from);
        String q = "SELECT COUNT(*), COALESCE(MAX(r.created_at), 0) FROM mm_runs r JOIN mm_run_events e ON e.run_id=r.id "
                + "AND e.type='submitted' WHERE r.trigger_kind='schedule' AND " + fireMillis() + " BETWEEN " + from + " AND " + to;
        while (true) {
            long[] v = scalars(db, q);
            if (v[0] >= expected) {
                return v[1];
            }
            if (v[0] != seen) {
                seen = v[0];
                lastGrowth = System.currentTimeMillis();
            }
            if (System.currentTimeMillis() > deadline || System.currentTimeMillis() - lastGrowth > stall.toMillis()) {
                System.out.printf("  (only %d of %d firings of [%s, %s] dispatched)%n", v[0], expected,
                        Instant.ofEpochMilli(from), Instant.ofEpochMilli(to));
                return v[1];
            }
            Thread.sleep(500);
        }
    }

    /** The fire time of a run's submitted event, in epoch ms, in SQL. */
    static String fireMillis() {
        return "(EXTRACT(EPOCH FROM ((e.payload::json->>'fire_time')::timestamptz)) * 1000)::bigint";
    }

    /** Dispatch and start lateness of the scheduled runs with fire times in [from, to). */
    Lateness lateness(String db, long from, long to) throws SQLException {
        List<Long> submit = new ArrayList<>();
        List<Long> start = new ArrayList<>();
        long first = Long.MAX_VALUE;
        long last = 0;
        try (Connection c = connect(db); ResultSet r = c.createStatement().executeQuery(
                "SELECT r.created_at, r.started_at, " + fireMillis() + " AS fire FROM mm_runs r JOIN mm_run_events e "
                        + "ON e.run_id=r.id AND e.type='submitted' WHERE r.trigger_kind='schedule' AND " + fireMillis()
                        + " >= " + from + " AND " + fireMillis() + " < " + to)) {
            while (r.next()) {
                long created = r.getLong(1);
                long fire = r.getLong(3);
                submit.add(created - fire);
                long started = r.getLong(2);
                if (!r.wasNull()) {
                    start.add(started - fire);
                }
                first = Math.min(first, created);
                last = Math.max(last, created);
            }
        }
        return new Lateness(submit, start, first, last);
    }

    Map<String, Integer> perMember(String db, long ws, long we) throws SQLException {
        Map<String, Integer> out = new TreeMap<>();
        try (Connection c = connect(db); ResultSet r = c.createStatement().executeQuery(
                "SELECT COALESCE(r.member, '-'), COUNT(*) FROM mm_runs r JOIN mm_run_events e ON e.run_id=r.id "
                        + "AND e.type='submitted' WHERE r.trigger_kind='schedule' AND " + fireMillis() + " >= " + ws
                        + " AND " + fireMillis() + " < " + we + " GROUP BY 1")) {
            while (r.next()) {
                out.put(r.getString(1), r.getInt(2));
            }
        }
        return out;
    }

    // ---- load: PostgreSQL's counters, CPU of the members and of PostgreSQL, etcd's writes ----

    Stats stats(String db, List<Member> members) throws Exception {
        Thread.sleep(1100); // PostgreSQL publishes a session's counters at most once a second
        Stats s = new Stats();
        s.at = System.nanoTime();
        s.runs = scalar(db, "SELECT COUNT(*) FROM mm_runs WHERE trigger_kind = 'schedule'");
        long[] x = scalars(db, "SELECT xact_commit + xact_rollback, tup_fetched FROM pg_stat_database WHERE datname = current_database()");
        s.xacts = x[0];
        s.fetched = x[1];
        try (Connection c = connect(db); ResultSet r = c.createStatement().executeQuery(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del, seq_scan, COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) "
                        + "FROM pg_stat_user_tables")) {
            while (r.next()) {
                s.writes.put(r.getString(1).toLowerCase(Locale.ROOT), r.getLong(2));
                s.seqScans.put(r.getString(1).toLowerCase(Locale.ROOT), r.getLong(3));
                s.reads.put(r.getString(1).toLowerCase(Locale.ROOT), r.getLong(4));
            }
        }
        for (Member m : members) {
            s.memberCpu += cpuTicks(m.process.pid());
        }
        s.pgCpu = pgCpuTicks();
        s.etcdPuts = etcd.puts();
        return s;
    }

    long pgCpuTicks() throws IOException {
        long sum = 0;
        for (long pid : pgPids()) {
            sum += cpuTicks(pid);
        }
        return sum;
    }

    /** The processes of this benchmark's PostgreSQL: its postmaster (found by its port) and its children. */
    List<Long> pgPids() throws IOException {
        Map<Long, Long> parent = new HashMap<>();
        long postmaster = -1;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (!name.matches("\\d+")) {
                    continue;
                }
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    parent.put(Long.parseLong(name), Long.parseLong(f[1]));
                    String cmd = new String(Files.readAllBytes(d.resolve("cmdline"))).replace('\0', ' ');
                    if (cmd.contains("postgres") && cmd.contains("-p " + pg.port() + " ")) {
                        postmaster = Long.parseLong(name);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        }
        List<Long> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : parent.entrySet()) {
            if (e.getKey() == postmaster || e.getValue() == postmaster) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** Samples, every 200 ms, how many of the store's sessions wait on a lock (Quartz's TRIGGER_ACCESS row, a run's row). */
    final class Sampler {
        final String db;
        volatile boolean stop;
        Thread thread;
        long samples;
        long waiting;
        long active;

        Sampler(String db) {
            this.db = db;
        }

        void start() {
            thread = new Thread(() -> {
                try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(
                        "SELECT COUNT(*) FILTER (WHERE wait_event_type = 'Lock'), COUNT(*) FILTER (WHERE state <> 'idle') "
                                + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
                    while (!stop) {
                        try (ResultSet r = ps.executeQuery()) {
                            r.next();
                            waiting += r.getLong(1);
                            active += r.getLong(2);
                            samples++;
                        }
                        Thread.sleep(200);
                    }
                } catch (Exception e) {
                    System.err.println("lock sampler: " + e);
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        double[] stop() throws InterruptedException {
            stop = true;
            thread.join();
            return new double[] {samples == 0 ? 0 : (double) waiting / samples, samples == 0 ? 0 : (double) active / samples};
        }
    }

    static final class Stats {
        long at;
        long xacts;
        long fetched;
        final Map<String, Long> seqScans = new TreeMap<>();
        final Map<String, Long> reads = new TreeMap<>();
        long wall;
        long runs;
        long memberCpu;
        long pgCpu;
        long etcdPuts;
        final Map<String, Long> writes = new TreeMap<>();

        /** The load between {@code b} and this, per scheduled run created meanwhile. */
        Load minus(Stats b) {
            long firings = runs - b.runs;
            Load l = new Load();
            l.firings = firings;
            double f = Math.max(1, firings);
            l.seconds = (at - b.at) / 1e9;
            l.xactsPerFiring = (xacts - b.xacts) / f;
            l.fetchedPerFiring = (fetched - b.fetched) / f;
            reads.forEach((t, v) -> {
                double d = (v - b.reads.getOrDefault(t, 0L)) / f;
                if (d >= 1) {
                    l.readsPerFiring.put(t, d);
                }
            });
            seqScans.forEach((t, v) -> {
                double d = (v - b.seqScans.getOrDefault(t, 0L)) / f;
                if (d >= 0.05) {
                    l.seqScansPerFiring.put(t, d);
                }
            });
            l.memberCpuMs = (memberCpu - b.memberCpu) * 1000.0 / CLK_TCK / f;
            l.pgCpuMs = (pgCpu - b.pgCpu) * 1000.0 / CLK_TCK / f;
            l.etcdPutsPerSecond = (etcdPuts - b.etcdPuts) / l.seconds;
            writes.forEach((t, v) -> {
                double d = (v - b.writes.getOrDefault(t, 0L)) / f;
                if (d >= 0.005) {
                    l.writesPerFiring.put(t, d);
                }
            });
            return l;
        }
    }

    static final class Load {
        double seconds;
        double xactsPerFiring;
        double fetchedPerFiring;
        final Map<String, Double> seqScansPerFiring = new TreeMap<>();
        final Map<String, Double> readsPerFiring = new TreeMap<>();
        long firings;
        double memberCpuMs;
        double pgCpuMs;
        double etcdPutsPerSecond;
        final Map<String, Double> writesPerFiring = new TreeMap<>();

        String text() {
            StringBuilder w = new StringBuilder();
            writesPerFiring.forEach((t, v) -> w.append(String.format(Locale.ROOT, " %s %.2f", t, v)));
            StringBuilder q = new StringBuilder();
            seqScansPerFiring.forEach((t, v) -> q.append(String.format(Locale.ROOT, " %s %.2f", t, v)));
            StringBuilder rd = new StringBuilder();
            readsPerFiring.forEach((t, v) -> rd.append(String.format(Locale.ROOT, " %s %.0f", t, v)));
            return String.format(Locale.ROOT, "(%d firings in %.0f s) %.1f transactions; CPU %.1f ms members + %.1f ms "
                    + "PostgreSQL; row writes:%s; rows read:%s; seq scans:%s; etcd %.1f proposals/s", firings, seconds,
                    xactsPerFiring, memberCpuMs, pgCpuMs, w, rd, q, etcdPutsPerSecond);
        }
    }

    record Lateness(List<Long> submit, List<Long> start, long first, long last) {
        int count() {
            return submit.size();
        }

        /** Firings dispatched a second, over the middle 80 % (the first and last tenth are a burst's ramp and tail). */
        double rate() {
            if (submit.size() < 10) {
                return 0;
            }
            return submit.size() / Math.max(0.001, (last - first) / 1000.0);
        }
    }

    final class Result {
        final int members;
        Lateness burst;
        long burstAll;
        long burstMoved;
        long burstDue;
        long burstEnd;
        Load burstLoad;
        double[] burstWaiting;
        Lateness steady;
        Load steadyLoad;
        double[] steadyWaiting;
        long expected;
        long createdInWindow;
        long doubled;
        Map<String, Integer> perMember;
        String load;

        Result(int members) {
            this.members = members;
        }

        /** Every scheduled firing dispatched from the burst's fire time to its last firing's dispatch, a second: the capacity. */
        double burstRate() {
            if (burst == null || burst.count() == 0) {
                return 0;
            }
            return burstEnd <= burstDue ? 0 : burstAll / ((burstEnd - burstDue) / 1000.0);
        }

        String line() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%d member(s), load %s:%n", members, load));
            if (burst != null) {
                b.append(String.format(Locale.ROOT, "  burst: %d schedules due at once dispatched in %.1f s, with the others "
                                + "%d firings in all: %.0f firings/s; lateness p50 %s p99 %s; sessions waiting on a lock %.1f of %.1f "
                                + "active%n", burstMoved, (burstEnd - burstDue) / 1000.0, burstAll, burstRate(),
                        ms(pct(burst.submit(), 50)), ms(pct(burst.submit(), 99)), burstWaiting[0], burstWaiting[1]));
                b.append("    per firing: ").append(burstLoad.text()).append('\n');
            }
            b.append(String.format(Locale.ROOT, "  steady: %d of %d fire times dispatched (%.1f runs submitted/s), missed %d, doubled %d; "
                            + "submitted p50 %s p99 %s, started p50 %s p99 %s behind the fire time; waiting on a lock %.1f of %.1f; "
                            + "runs per member %s%n", steady.count(), expected, createdInWindow / (double) window,
                    Math.max(0, expected - steady.count()), doubled, ms(pct(steady.submit(), 50)), ms(pct(steady.submit(), 99)),
                    ms(pct(steady.start(), 50)), ms(pct(steady.start(), 99)), steadyWaiting[0], steadyWaiting[1], perMember));
            b.append("    per firing: ").append(steadyLoad.text());
            return b.toString();
        }
    }

    static long pct(List<Long> v, int p) {
        if (v.isEmpty()) {
            return -1;
        }
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.round((s.size() - 1) * p / 100.0)));
    }

    static String ms(long v) {
        return v < 0 ? "-" : v < 10_000 ? v + " ms" : String.format(Locale.ROOT, "%.1f s", v / 1000.0);
    }

    void print(List<Result> results) {
        Result b = results.get(0);
        double offered = (double) schedules / period;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-7s | %-70s | %-31s%n", "", "steady: " + schedules + " schedules every " + period + " s = "
                + Math.round(offered) + " firings/s offered, " + window + " s", "burst: " + burst + " due at once");
        System.out.printf("%-7s | %8s %6s %6s %6s %8s %8s %8s %8s | %9s %6s %7s | %5s%n", "members", "disp./s", "ratio", "missed",
                "double", "sub p50", "sub p99", "run p50", "run p99", "firings/s", "ratio", "p99", "load1");
        for (Result r : results) {
            double d = r.createdInWindow / (double) window;
            double bd = b.createdInWindow / (double) window;
            System.out.printf(Locale.ROOT, "%-7d | %8.1f %6.2f %6d %6d %8s %8s %8s %8s | %9.0f %6s %7s | %5s%n", r.members, d,
                    bd > 0 ? d / bd : 0, Math.max(0, r.expected - r.steady.count()), r.doubled, ms(pct(r.steady.submit(), 50)),
                    ms(pct(r.steady.submit(), 99)), ms(pct(r.steady.start(), 50)), ms(pct(r.steady.start(), 99)),
                    r.burstRate(), b.burstRate() > 0 ? String.format(Locale.ROOT, "%.2f", r.burstRate() / b.burstRate()) : "-",
                    r.burst == null ? "-" : ms(pct(r.burst.submit(), 99)), r.load.split(" ")[0]);
        }
        System.out.println("(disp./s: scheduled runs submitted during the window, a second; sub / run p50 p99: run submitted /"
                + " started behind its fire time; burst firings/s: every scheduled firing dispatched from the burst's fire time"
                + " until its last one, the cluster's capacity; ratios against the first row; members, PostgreSQL and etcd share"
                + " this machine's " + Runtime.getRuntime().availableProcessors() + " cores, load1 is its load average at the end)");
    }

    // ---- plumbing ----

    Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(db, pg.user(), "");
    }

    void sql(String db, String... statements) throws SQLException {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    long scalar(String db, String q) throws SQLException {
        return scalars(db, q)[0];
    }

    long[] scalars(String db, String q) throws SQLException {
        try (Connection c = connect(db); ResultSet r = c.createStatement().executeQuery(q)) {
            r.next();
            long[] out = new long[r.getMetaData().getColumnCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = r.getLong(i + 1);
            }
            return out;
        }
    }

    static void sleepUntil(long epochMs) throws InterruptedException {
        long left = epochMs - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    static String post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** A member: org.maomao.BenchMember in its own JVM, in cluster mode on {@code db}. */
    static final class Member {
        final Process process;
        final int port;

        Member(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** Starts a member, again if it could not join (on a loaded machine etcd may not answer within 5 s). */
        static Member start(ClusterScaleBench b, String db, String prefix, String id) throws Exception {
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce(b, db, prefix, id);
                } catch (IllegalStateException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                    System.out.println("  (" + e.getMessage() + "; starting it again)");
                }
            }
        }

        static Member startOnce(ClusterScaleBench b, String db, String prefix, String id) throws Exception {
            int port = Ports.free();
            Path home = Files.createDirectories(b.work.resolve(PostgresServer.nameOf(db)).resolve(id + "-" + port));
            Path config = home.resolve("config.ini");
            Files.writeString(config, "[daemon]\nlisten = 127.0.0.1:" + port + "\ndata_dir = " + home.resolve("data") + "\n"
                    + "timezone = UTC\n"
                    + "max_concurrent_runs = " + b.slots + "\n"
                    + "[store]\nurl = " + db + "\nuser = " + b.pg.user() + "\n"
                    + "[etcd]\nendpoints = " + b.etcd.endpoint + "\nprefix = " + prefix + "\n"
                    + "[cluster]\nenabled = true\nmember_id = " + id + "\n");
            Process p = new ProcessBuilder("java", "-Xmx512m", "-cp", JAR + ":" + TEST_CLASSES, "org.maomao.BenchMember",
                    config.toString()).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(home.resolve("out.log").toFile()).start();
            long deadline = System.currentTimeMillis() + 180_000;
            while (status(port, "/health") != 200) {
                if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("member " + id + " did not start; see " + home.resolve("out.log"));
                }
                Thread.sleep(200);
            }
            return new Member(p, port);
        }

        void stop() throws InterruptedException {
            RUNNING.remove(process);
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** A real etcd (Debian's etcd-server) on free loopback ports. */
    static final class Etcd {
        final Process process;
        final String endpoint;

        Etcd(Process process, String endpoint) {
            this.process = process;
            this.endpoint = endpoint;
        }

        static Etcd start(Path dir) throws Exception {
            String client = "http://127.0.0.1:" + Ports.free();
            String peer = "http://127.0.0.1:" + Ports.free();
            Process p = new ProcessBuilder("etcd", "--name", "bench", "--data-dir", dir.resolve("etcd").toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer, "--initial-cluster", "bench=" + peer).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("etcd.log").toFile()).start();
            RUNNING.add(p);
            Etcd e = new Etcd(p, client);
            long deadline = System.currentTimeMillis() + 60_000;
            while (e.metrics().isEmpty()) {
                if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("etcd did not start; see " + dir.resolve("etcd.log"));
                }
                Thread.sleep(200);
            }
            return e;
        }

        String metrics() {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? r.body() : "";
            } catch (Exception e) {
                return "";
            }
        }

        /** Raft proposals committed: every put, delete, lease grant or revoke (keep-alives are not proposals). */
        long puts() {
            Matcher m = Pattern.compile("(?m)^etcd_server_proposals_committed_total (\\S+)").matcher(metrics());
            return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        }

        void close() throws InterruptedException {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

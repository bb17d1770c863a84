package org.maomao.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.Names;
import org.maomao.collector.RunPolicy;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.maomao.schedule.Frequency;
import org.maomao.config.HttpLimits;
import org.maomao.dataset.GitDatasets;
import org.maomao.run.Run;
import org.maomao.run.RunExecutor;
import org.maomao.run.RunQuery;
import org.maomao.run.RunState;
import org.maomao.run.RunStore;
import org.maomao.spike.SeriesStore;
import org.maomao.run.UnknownCollectorException;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.Schedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;

/**
 * The HTTP API: the prototype's {@code /register} and {@code /run} with unchanged
 * bodies, plus resources for collectors, schedules, runs, series, spikes and health.
 * Every refusal is {@code {"error": code, "message": sentence}}, and is decided before
 * anything reaches Docker, git or the store.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Largest request body accepted. */
    public static final long MAX_BODY = RequestBody.MAX_BYTES;
    /** Longest {@code ?wait=} a request may hold a connection. */
    static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(60);
    /** How often a followed log is checked for new lines while its run goes on. */
    static final java.time.Duration FOLLOW_POLL = java.time.Duration.ofMillis(200);
    private static final Set<String> REGISTER_FIELDS;
    private static final Set<String> RUN_FIELDS = Set.of("name", "dataset", "cron", "frequency");

    static {
        java.util.HashSet<String> f = new java.util.HashSet<>(RunPolicy.KEYS);
        f.addAll(List.of("name", "url", "image", "dataset", "env", "spike"));
        REGISTER_FIELDS = Set.copyOf(f);
    }

    /** What the API works on. */
    public record Parts(CollectorRegistry registry, RunExecutor executor, QuartzRunScheduler scheduler,
                        RunStore runs, SeriesStore series, GitDatasets datasets,
                        Map<String, BooleanSupplier> health, java.util.function.Supplier<Map<String, Object>> reload,
                        java.util.function.Supplier<String> sshPublicKey, java.util.function.Supplier<String> metrics) {
    }

    private final Parts parts;
    private final ObjectMapper mapper;
    private final JsonViews views;
    private final String token;
    private final HttpLimits limits;
    private final FailedAuthLog failedAuth = new FailedAuthLog(log, java.time.Clock.systemUTC());
    /** Writes the failed-auth summaries of quiet clients too, not only when the next failure comes. */
    private final java.util.concurrent.ScheduledExecutorService authLogFlusher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "auth-log");
                t.setDaemon(true);
                return t;
            });
    private Javalin app;
    /** Re-scans a series over its history; null when the daemon offers none. */
    private volatile org.maomao.spike.DatasetSeriesAnalyzer rescans;
    /** One re-scan at a time: each reads a whole file, so a client cannot make the daemon read many at once. */
    private final java.util.concurrent.Semaphore rescanning = new java.util.concurrent.Semaphore(1);
    private final List<String> routeList = new java.util.ArrayList<>();

    public ApiServer(Parts parts, String token) {
        this(parts, token, HttpLimits.defaults());
    }

    public ApiServer(Parts parts, String token, HttpLimits limits) {
        this.parts = parts;
        this.token = token;
        this.limits = limits;
        this.mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        this.views = new JsonViews(mapper);
    }

    /** What {@code POST /series/{id}/rescan} uses: the analyser the runs use, so the two take turns per series. */
    public void setSeriesRescan(org.maomao.spike.DatasetSeriesAnalyzer analyzer) {
        this.rescans = analyzer;
    }

    /** Starts listening; returns the bound port (useful with port 0). */
    public int start(String host, int port) {
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = MAX_BODY;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.jetty.defaultHost = host;
            cfg.jetty.addConnector((server, http) -> connector(server, http, host, port));
            JsonErrorHandler errors = new JsonErrorHandler();
            cfg.jetty.modifyServer(server -> server.setErrorHandler(errors));
            cfg.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(errors));
        });
        app.before(this::authenticate);
        app.before(ctx -> {
            String len = ctx.header("Content-Length");
            if (len != null && len.matches("\\d{1,18}") && Long.parseLong(len) > MAX_BODY) {
                throw RequestBody.tooLarge(ctx);
            }
            if (RequestBody.isDeclared(ctx)) {
                // every body is read here, capped, even where no route uses it: left unread,
                // Jetty would read and discard it to its end, however long it is
                RequestBody.read(ctx);
            }
        });
        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 413) {
                error(ctx, 413, "too_large", RequestBody.tooLarge(ctx).getMessage());
            } else if (e.getStatus() == 404) {
                notFound(ctx);
            } else {
                error(ctx, e.getStatus(), "http_" + e.getStatus(), "the request was refused: " + Texts.clip(e.getMessage()) + ".");
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal", "maomao failed to handle the request: " + e.getMessage());
        });
        app.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith("application/json")) { // a route's own 404 is JSON already
                notFound(ctx);
            }
        });
        app.error(405, ctx -> error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on "
                + Texts.clip(ctx.path()) + "; GET /openapi.json lists the methods of each path."));
        routes();
        app.start();
        authLogFlusher.scheduleWithFixedDelay(failedAuth::flush, 10, 10, java.util.concurrent.TimeUnit.SECONDS);
        return app.port();
    }

    /**
     * The listening connector, with the limits that keep slow or many clients from
     * holding the API: each request must arrive whole within read_timeout, and at most
     * max_connections are open (more wait in the accept queue).
     */
    private ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        http.setSendServerVersion(false);
        http.setIdleTimeout(limits.readTimeout().toMillis());
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        c.setHost(host);
        c.setPort(port);
        // idle while a handler waits (?wait=, log follow) is fine: the deadline, not this, stops slow senders
        c.setIdleTimeout(Math.max(limits.readTimeout().toMillis(), MAX_WAIT.plusSeconds(30).toMillis()));
        c.addBean(new RequestDeadline(c, limits.readTimeout().toMillis()));
        server.addBean(new ConnectionLimit(limits.maxConnections(), c));
        return c;
    }

    private void routes() {
        get("/", this::statusPage);
        get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi()));
        get("/health", this::health);
        post("/register", this::register);
        post("/run", this::run);
        get("/collectors", ctx -> ctx.json(parts.registry().list().stream().map(views::collector).toList()));
        get("/collectors/{name}", ctx -> ctx.json(views.collector(parts.registry().find(ctx.pathParam("name"))
                .orElseThrow(() -> ApiException.notFound("collector \"" + ctx.pathParam("name") + "\" is not registered.")))));
        delete("/collectors/{name}", this::deleteCollector);
        get("/schedules", ctx -> ctx.json(parts.scheduler().list().stream().map(views::schedule).toList()));
        get("/schedules/{id}", ctx -> ctx.json(views.schedule(schedule(ctx.pathParam("id")))));
        delete("/schedules/{id}", ctx -> {
            schedule(ctx.pathParam("id"));
            parts.scheduler().delete(ctx.pathParam("id"));
            ctx.status(204);
        });
        post("/schedules/{id}/pause", ctx -> pause(ctx, true));
        post("/schedules/{id}/resume", ctx -> pause(ctx, false));
        get("/runs", this::listRuns);
        get("/runs/{id}", this::getRun);
        get("/runs/{id}/events", ctx -> ctx.json(parts.runs().events(run(ctx.pathParam("id")).id()).stream()
                .map(views::event).toList()));
        get("/runs/{id}/log", this::runLog);
        post("/runs/{id}/cancel", this::cancel);
        get("/spikes", this::spikes);
        get("/series", this::listSeries);
        get("/series/<id>", this::seriesDetail);
        post("/series/<id>/rescan", this::rescanSeries);
        get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(parts.metrics().get()));
        get("/keys/ssh", ctx -> ctx.contentType("text/plain; charset=utf-8").result(parts.sshPublicKey().get() + "\n"));
        post("/reload", ctx -> ctx.json(invalidAs400(() -> parts.reload().get())));
        post("/datasets", this::createDataset);
        get("/datasets", ctx -> {
            List<Object> out = new java.util.ArrayList<>();
            for (String n : parts.datasets().list()) {
                parts.datasets().info(n).ifPresent(i -> out.add(views.dataset(i)));
            }
            ctx.json(out);
        });
        get("/datasets/{name}", ctx -> ctx.json(views.dataset(dataset(ctx.pathParam("name")))));
        get("/datasets/{name}/commits", ctx -> {
            dataset(ctx.pathParam("name"));
            ctx.json(parts.datasets().commits(ctx.pathParam("name"), intParam(ctx, "limit", 50, 1000)).stream()
                    .map(views::commit).toList());
        });
    }

    /** Every route as {@code "METHOD /path"} (OpenAPI path syntax), for the OpenAPI check. */
    public List<String> routeList() {
        return List.copyOf(routeList);
    }

    private void get(String path, io.javalin.http.Handler h) {
        routeList.add("GET " + path.replace('<', '{').replace('>', '}'));
        app.get(path, h);
    }

    private void post(String path, io.javalin.http.Handler h) {
        routeList.add("POST " + path.replace('<', '{').replace('>', '}'));
        app.post(path, h);
    }

    private void delete(String path, io.javalin.http.Handler h) {
        routeList.add("DELETE " + path.replace('<', '{').replace('>', '}'));
        app.delete(path, h);
    }

    /** The OpenAPI document shipped in the jar. */
    static String openApi() throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IOException("openapi.json is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void authenticate(Context ctx) {
        if (token == null || ctx.path().equals("/health")) {
            return;
        }
        String auth = ctx.header("Authorization");
        String expected = "Bearer " + token;
        if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            failedAuth.refused(ctx.ip(), ctx.method().name(), ctx.path(), auth == null ? "no Authorization header" : "wrong token");
            throw new ApiException(401, "unauthorized", "this daemon needs a token: send Authorization: Bearer <token> "
                    + "with the [daemon] token of its config.");
        }
    }

    private void register(Context ctx) {
        JsonBody body = JsonBody.read(ctx, REGISTER_FIELDS);
        String name = body.requiredString("name");
        String url = body.string("url");
        String image = body.string("image");
        if (url == null && image == null) {
            throw ApiException.badRequest("field \"url\" is missing: give the collector's Docker image, "
                    + "e.g. {\"name\":\"dummy\",\"url\":\"maomao/dummy:latest\"}.");
        }
        String dataset = body.string("dataset");
        Map<String, String> settings = new LinkedHashMap<>(body.scalars(RunPolicy.KEYS));
        body.stringMap("env").forEach((k, v) -> settings.put(RunPolicy.ENV_PREFIX + k, v));
        body.scalarMap("spike").forEach((k, v) -> settings.put(RunPolicy.SPIKE_PREFIX + k, v));
        CollectorRegistry.Registration reg = invalidAs400(() -> parts.registry().register(name,
                url != null ? url : image, dataset, settings, "api"));
        ctx.status(reg.created() ? 201 : 200).json(views.collector(reg.collector()));
    }

    private void run(Context ctx) {
        JsonBody body = JsonBody.read(ctx, RUN_FIELDS);
        String name = body.requiredString("name");
        String dataset = body.string("dataset");
        boolean cron = body.bool("cron", false);
        String frequency = body.string("frequency");
        invalidAs400(() -> Names.require("collector", name));
        if (dataset != null) {
            invalidAs400(() -> Names.require("dataset", dataset));
        }
        if (!cron) {
            if (frequency != null) {
                throw ApiException.badRequest("\"frequency\" needs \"cron\": true; to run now, leave frequency out.");
            }
            Run r = submit(name, dataset);
            ctx.status(202).json(views.run(r));
            return;
        }
        if (frequency == null) {
            throw ApiException.badRequest("field \"frequency\" is missing: with \"cron\": true give hourly, daily, weekly "
                    + "or a crontab line such as \"0 6 * * 1\".");
        }
        Frequency f = invalidAs400(() -> Frequency.parse(frequency, name));
        var c = parts.registry().find(name).orElseThrow(() -> unknownCollector(name));
        String ds = dataset != null ? dataset : c.dataset();
        Schedule s = parts.scheduler().schedule(name, ds, f, "api");
        ctx.status(201).json(views.schedule(s));
    }

    private Run submit(String name, String dataset) {
        try {
            return parts.executor().submit(name, dataset, "manual", null);
        } catch (UnknownCollectorException e) {
            throw new ApiException(404, "unknown_collector", e.getMessage());
        }
    }

    private static ApiException unknownCollector(String name) {
        return new ApiException(404, "unknown_collector", new UnknownCollectorException(name).getMessage());
    }

    private void createDataset(Context ctx) {
        JsonBody body = JsonBody.read(ctx, Set.of("name", "url"));
        String name = body.requiredString("name");
        String url = body.string("url");
        invalidAs400(() -> Names.require("dataset", name));
        if (url != null) {
            try {
                parts.datasets().checkRemote(url);
            } catch (org.maomao.dataset.RemoteUrls.RemoteNotAllowedException e) {
                throw new ApiException(403, "remote_not_allowed", e.getMessage());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        try {
            ctx.status(201).json(views.dataset(invalidAs400(() -> {
                try {
                    return parts.datasets().create(name, url);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })));
        } catch (GitDatasets.DatasetExistsException e) {
            throw new ApiException(409, "exists", e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new ApiException(422, e.getCause() instanceof GitDatasets.RefusedDatasetException ? "dataset_refused"
                    : "clone_failed", e.getCause().getMessage() + ".");
        }
    }

    private org.maomao.dataset.DatasetInfo dataset(String name) throws IOException {
        if (!Names.isValid(name)) {
            throw ApiException.notFound("dataset \"" + name + "\" does not exist.");
        }
        return parts.datasets().info(name).orElseThrow(() -> ApiException.notFound("dataset \"" + name
                + "\" does not exist; POST /datasets creates one."));
    }

    private void deleteCollector(Context ctx) {
        String name = ctx.pathParam("name");
        if (parts.registry().find(name).isEmpty()) {
            throw ApiException.notFound("collector \"" + name + "\" is not registered.");
        }
        parts.scheduler().deleteForCollector(name);
        parts.registry().delete(name);
        ctx.status(204);
    }

    private Schedule schedule(String id) {
        return parts.scheduler().find(id).orElseThrow(() -> ApiException.notFound("schedule \"" + id
                + "\" does not exist; GET /schedules lists them."));
    }

    private void pause(Context ctx, boolean pause) {
        String id = ctx.pathParam("id");
        schedule(id);
        parts.scheduler().pause(id, pause);
        ctx.json(views.schedule(schedule(id)));
    }

    private Run run(String id) {
        return parts.runs().find(id).orElseThrow(() -> ApiException.notFound("run \"" + id + "\" does not exist."));
    }

    /** {@code ?wait=30s} holds the answer until the run has ended (at most a minute), so clients need not poll. */
    private void getRun(Context ctx) throws InterruptedException {
        Run r = run(ctx.pathParam("id"));
        String wait = ctx.queryParam("wait");
        if (wait != null && !r.state().isFinal()) {
            java.time.Duration d = invalidAs400(() -> org.maomao.units.Durations.parse("query parameter wait", wait));
            if (d.compareTo(MAX_WAIT) > 0) {
                throw ApiException.badRequest("query parameter wait=" + wait + " is longer than " + MAX_WAIT.toSeconds() + "s.");
            }
            r = parts.executor().awaitEnd(r.id(), d).orElse(r);
        }
        ctx.json(views.run(r));
    }

    private void listRuns(Context ctx) {
        String collector = ctx.queryParam("collector");
        String state = ctx.queryParam("state");
        RunState st = state == null ? null : invalidAs400(() -> RunState.fromId(state));
        Instant before = instantParam(ctx, "before");
        int limit = intParam(ctx, "limit", RunQuery.DEFAULT_LIMIT, RunQuery.MAX_LIMIT);
        ctx.json(parts.runs().list(new RunQuery(collector, st, before, limit)).stream().map(views::run).toList());
    }

    private void runLog(Context ctx) throws IOException, InterruptedException {
        Run r = run(ctx.pathParam("id"));
        Path file = parts.executor().runDir(r.id()).resolve("log");
        ctx.contentType("text/plain; charset=utf-8");
        if ("true".equals(ctx.queryParam("follow"))) {
            follow(ctx, r.id(), file);
            return;
        }
        if (!Files.exists(file)) {
            ctx.result("");
            return;
        }
        InputStream in = Files.newInputStream(file);
        ctx.result(in); // streamed, never loaded whole
    }

    /**
     * Streams the log as it grows until the run has ended and everything is sent (or
     * the client goes away), flushing each piece, like {@code tail -f}.
     */
    private void follow(Context ctx, String runId, Path file) throws IOException, InterruptedException {
        java.io.OutputStream out = ctx.outputStream();
        long pos = 0;
        byte[] buf = new byte[8192];
        while (true) {
            boolean ended = parts.runs().find(runId).map(x -> x.state().isFinal()).orElse(true);
            if (Files.exists(file)) {
                try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
                    ch.position(pos);
                    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf);
                    int n;
                    while ((n = ch.read(bb)) > 0) {
                        out.write(buf, 0, n);
                        pos += n;
                        bb.clear();
                    }
                }
                out.flush();
            }
            if (ended) {
                return; // read once more after the end was seen, so the tail is never lost
            }
            parts.executor().awaitEnd(runId, FOLLOW_POLL);
        }
    }

    private void cancel(Context ctx) {
        Run r = run(ctx.pathParam("id"));
        if (r.state().isFinal() || !parts.executor().cancel(r.id())) {
            throw new ApiException(409, "already_finished", "run " + r.id() + " has already ended ("
                    + parts.runs().find(r.id()).map(x -> x.state().id()).orElse("?") + ").");
        }
        ctx.status(202).json(views.run(run(r.id())));
    }

    private void spikes(Context ctx) {
        int limit = intParam(ctx, "limit", 100, 1000);
        ctx.json(parts.series().spikes(new SeriesStore.SpikeQuery(ctx.queryParam("collector"), ctx.queryParam("series"),
                instantParam(ctx, "since"), limit)).stream().map(views::spike).toList());
    }

    /**
     * Series in id order, a page at a time ({@code ?limit=}, default 100, at most 1000), so any
     * number of series can be listed without loading them all. {@code next} is the URL of the
     * next page ({@code ?after=} the last id of this one), null after the last page.
     */
    private void listSeries(Context ctx) {
        int limit = intParam(ctx, "limit", SeriesPaging.DEFAULT_LIMIT, SeriesPaging.MAX_LIMIT);
        String after = ctx.queryParam("after");
        String afterDataset = null;
        String afterName = null;
        if (after != null && !after.isEmpty()) {
            int slash = after.indexOf('/');
            if (slash <= 0 || !Names.isValid(after.substring(0, slash)) || after.length() > 1024) {
                throw ApiException.badRequest("query parameter after=\"" + after + "\" is not a series id: give the id of the "
                        + "last series of the previous page (<dataset>/<collector>/<file>#<column>), as the next link does.");
            }
            afterDataset = after.substring(0, slash);
            afterName = after.substring(slash + 1);
        }
        List<SeriesStore.SeriesRecord> rows = parts.series().page(afterDataset, afterName, limit + 1);
        List<SeriesStore.SeriesRecord> page = rows.subList(0, Math.min(limit, rows.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("series", page.stream().map(views::series).toList());
        body.put("next", rows.size() > limit ? SeriesPaging.next(page.get(page.size() - 1), limit) : null);
        ctx.json(body);
    }

    /**
     * One series with what a plot needs: its latest points (read from the dataset's
     * file, {@code ?limit=}, default 1000) and its spikes. The id is
     * {@code <dataset>/<collector>/<file>#<column>}, with '#' written as %23.
     */
    private void seriesDetail(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        int slash = id.indexOf('/');
        int hash = id.lastIndexOf('#');
        String dataset = slash > 0 ? id.substring(0, slash) : "";
        String name = slash > 0 ? id.substring(slash + 1) : "";
        var rec = Names.isValid(dataset) && hash > slash ? parts.series().find(dataset, name) : java.util.Optional.<SeriesStore.SeriesRecord>empty();
        if (rec.isEmpty()) {
            throw ApiException.notFound("series \"" + id + "\" does not exist; GET /series lists them (write # as %23).");
        }
        int limit = intParam(ctx, "limit", 1000, 100_000);
        String file = name.substring(0, name.lastIndexOf('#'));
        String column = name.substring(name.lastIndexOf('#') + 1);
        Path path = parts.datasets().datasetDir(dataset).resolve(file).normalize();
        if (!parts.datasets().isDataFile(dataset, path)) {
            throw ApiException.notFound("series \"" + id + "\" does not exist.");
        }
        List<org.maomao.spike.SeriesPoint> points = org.maomao.spike.SeriesFiles.tail(path, column, limit);
        Map<String, Object> body = new LinkedHashMap<>(views.series(rec.get()));
        body.put("points", points.stream().map(p -> List.of(p.timestamp(), p.value())).toList());
        body.put("spikes", parts.series().spikes(new SeriesStore.SpikeQuery(null, name, null, 1000)).stream()
                .filter(k -> k.dataset().equals(dataset)).map(views::spike).toList());
        ctx.json(body);
    }

    /**
     * Recomputes one series' spikes over its whole history (the dataset file) with the collector's
     * current settings; answers the new counts. Same id as {@link #seriesDetail}.
     */
    private void rescanSeries(Context ctx) {
        String id = ctx.pathParam("id");
        int slash = id.indexOf('/');
        int hash = id.lastIndexOf('#');
        String dataset = slash > 0 ? id.substring(0, slash) : "";
        String name = slash > 0 ? id.substring(slash + 1) : "";
        boolean known = Names.isValid(dataset) && hash > slash && name.indexOf('/') > 0
                && parts.series().find(dataset, name).isPresent();
        if (!known) {
            throw ApiException.notFound("series \"" + id + "\" does not exist; GET /series lists them (write # as %23).");
        }
        org.maomao.spike.DatasetSeriesAnalyzer analyzer = rescans;
        if (analyzer == null) {
            throw new ApiException(503, "unavailable", "this daemon cannot re-scan series.");
        }
        String file = name.substring(0, name.lastIndexOf('#'));
        Path path = parts.datasets().datasetDir(dataset).resolve(file).normalize();
        if (!parts.datasets().isDataFile(dataset, path) || !Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(409, "conflict", "series \"" + id + "\" has no file to re-scan: " + file
                    + " is gone from dataset " + dataset + "; its stored spikes were left as they are.");
        }
        if (!rescanning.tryAcquire()) {
            throw new ApiException(429, "busy", "another re-scan is running; try again when it has finished.");
        }
        try {
            if (Files.size(path) > org.maomao.spike.DatasetSeriesAnalyzer.MAX_RESCAN_BYTES) {
                throw new ApiException(413, "too_large", file + " is " + Files.size(path) + " bytes, more than the "
                        + org.maomao.spike.DatasetSeriesAnalyzer.MAX_RESCAN_BYTES + " a re-scan reads; nothing was changed.");
            }
            var result = analyzer.rescan(dataset, name, path);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("points", result.points());
            body.put("spikes", result.spikes());
            body.put("skipped", result.skipped());
            ctx.json(body);
        } catch (org.maomao.spike.DatasetSeriesAnalyzer.RescanException e) {
            throw new ApiException(409, "conflict", e.getMessage());
        } catch (IOException e) {
            throw new ApiException(409, "conflict", "series \"" + id + "\" cannot be re-scanned: " + e.getMessage()
                    + "; nothing was changed.");
        } finally {
            rescanning.release();
        }
    }

    private void health(Context ctx) {
        Map<String, String> components = components();
        boolean ok = !components.containsValue("down");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? "ok" : "degraded");
        body.put("components", components);
        ctx.status(ok ? 200 : 503).json(body);
    }

    /** Each component up or down (etcd "disabled" when no endpoints are set). */
    private Map<String, String> components() {
        Map<String, String> components = new LinkedHashMap<>();
        parts.health().forEach((k, v) -> components.put(k, v.getAsBoolean() ? "up" : "down"));
        components.putIfAbsent("etcd", "disabled");
        return components;
    }

    private void statusPage(Context ctx) throws IOException {
        ctx.html(StatusPage.render(parts, components()));
    }


    private static Instant instantParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("query parameter " + name + "=\"" + v + "\" is not a time like 2026-01-31T12:00:00Z.");
        }
    }

    private static int intParam(Context ctx, String name, int dflt, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the sentence below says what is allowed
        }
        throw ApiException.badRequest("query parameter " + name + "=\"" + v + "\" must be a whole number from 1 to " + max + ".");
    }

    private static <T> T invalidAs400(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (CollectorRegistry.ImageNotAllowedException e) {
            throw new ApiException(403, "image_not_allowed", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static void notFound(Context ctx) {
        error(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + Texts.clip(ctx.path())
                + "; GET /openapi.json lists them.");
    }

    private static void error(Context ctx, int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        if (RequestDeadline.mustClose(ctx.req()) || (!RequestBody.wasRead(ctx) && RequestBody.isDeclared(ctx))) {
            RequestDeadline.answerAndClose(ctx.req(), ctx.res(), status, body); // never drain a body nobody reads
            return;
        }
        ctx.status(status).json(body);
    }

    @Override
    public void close() {
        authLogFlusher.shutdownNow();
        if (app != null) {
            app.stop();
        }
    }
}

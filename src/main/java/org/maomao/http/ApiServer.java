package org.maomao.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.maomao.cluster.Members;
import org.maomao.collector.CollectorRegistry;
import org.maomao.config.HttpLimits;
import org.maomao.dataset.GitDatasets;
import org.maomao.notify.NotificationSource;
import org.maomao.run.RunExecutor;
import org.maomao.run.RunStore;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.Schedule;
import org.maomao.spike.DatasetSeriesAnalyzer;
import org.maomao.spike.SeriesStore;
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
 * The HTTP API: what sits in front of every route (the token, the limits on bodies, time and
 * connections, and the mapping of every refusal and failure to
 * {@code {"error": code, "message": sentence}}), and the list of resources, each of which
 * registers its own routes. Every refusal is decided before anything reaches Docker, git or the store.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Largest request body accepted. */
    public static final long MAX_BODY = RequestBody.MAX_BYTES;

    /** What the API works on, as the daemon hands it over; each resource gets only its part. */
    public record Parts(CollectorRegistry registry, RunExecutor executor, QuartzRunScheduler scheduler,
                        RunStore runs, SeriesStore series, GitDatasets datasets, DatasetSeriesAnalyzer seriesAnalyzer,
                        Map<String, BooleanSupplier> health, Supplier<Map<String, Object>> reload,
                        Supplier<String> sshPublicKey, Supplier<String> metrics, Supplier<List<Schedule>> late,
                        Members members) {
    }

    private final List<Resource> resources;
    private final ObjectMapper mapper;
    private final String token;
    private final HttpLimits limits;
    private final FailedAuthLog failedAuth = new FailedAuthLog(log, Clock.systemUTC());
    /** Writes the failed-auth summaries of quiet clients too, not only when the next failure comes. */
    private final ScheduledExecutorService authLogFlusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "auth-log");
        t.setDaemon(true);
        return t;
    });
    private Javalin app;
    private Routes routes;
    private WatchApi watch;

    public ApiServer(Parts parts, String token) {
        this(parts, token, HttpLimits.defaults());
    }

    public ApiServer(Parts p, String token, HttpLimits limits) {
        this.token = token;
        this.limits = limits;
        this.mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        JsonViews views = new JsonViews(mapper);
        StatusPage statusPage = new StatusPage(p.registry(), p.scheduler(), p.runs(), p.series(), p.datasets(), p.late(),
                p.seriesAnalyzer());
        statusPage.showMembers(p.members());
        this.resources = new java.util.ArrayList<>(List.of(
                new SystemApi(new Health(p.health(), p.late()), statusPage, p.metrics(), p.sshPublicKey(), p.reload()),
                new CollectorsApi(p.registry(), p.scheduler(), p.executor(), views, d -> p.datasets().refusal(d)),
                new RunsApi(p.executor(), p.runs(), p.registry(), p.scheduler(), views, d -> p.datasets().refusal(d)),
                new SchedulesApi(p.scheduler(), views),
                new SeriesApi(p.series(), p.datasets(), p.seriesAnalyzer(), views),
                new DatasetsApi(p.datasets(), views),
                new MembersApi(p.members())));
    }

    /**
     * Serves {@code GET /watch} from {@code source} to at most {@code maxWatchers} clients at once,
     * each told of a silence by a heartbeat line every {@code heartbeat}. Call before {@link #start}.
     */
    public void serveWatch(NotificationSource source, int maxWatchers, java.time.Duration heartbeat) {
        watch = new WatchApi(source, maxWatchers, heartbeat);
        resources.add(watch);
    }

    /** The streams of {@code GET /watch} open now. */
    public int watchers() {
        return watch == null ? 0 : watch.open();
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
        app.before(new CrossSiteGuard(org.maomao.config.DaemonConfig.isLoopback(host), limits.allowedHosts())::check);
        app.before(this::authenticate);
        app.before(ApiServer::limitBody);
        mapErrors(app);
        routes = new Routes(app);
        resources.forEach(r -> r.register(routes));
        app.start();
        authLogFlusher.scheduleWithFixedDelay(failedAuth::flush, 10, 10, TimeUnit.SECONDS);
        return app.port();
    }

    /** Every route as {@code "METHOD /path"} (OpenAPI path syntax), for the OpenAPI check. */
    public List<String> routeList() {
        return routes == null ? List.of() : routes.list();
    }

    /**
     * The listening connector, with the limits that keep slow or many clients from
     * holding the API: each request must arrive whole within read_timeout, and at most
     * max_connections are open (more wait in the accept queue).
     */
    private ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        http.setSendServerVersion(false);
        // Jetty reuses header lines seen before on a connection, by default ignoring case: after
        // "Bearer s3cret", "Bearer S3CRET" would be read as the right token
        http.setHeaderCacheCaseSensitive(true);
        http.setIdleTimeout(limits.readTimeout().toMillis());
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        c.setHost(host);
        c.setPort(port);
        // idle while a handler waits (?wait=, log follow) is fine: the deadline, not this, stops slow senders
        c.setIdleTimeout(Math.max(limits.readTimeout().toMillis(), RunsApi.MAX_WAIT.plusSeconds(30).toMillis()));
        c.addBean(new RequestDeadline(c, limits.readTimeout().toMillis()));
        server.addBean(new ConnectionLimit(limits.maxConnections(), c));
        return c;
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

    private static void limitBody(Context ctx) {
        String len = ctx.header("Content-Length");
        if (len != null && len.matches("\\d{1,18}") && Long.parseLong(len) > MAX_BODY) {
            throw RequestBody.tooLarge(ctx);
        }
        if (RequestBody.isDeclared(ctx)) {
            // every body is read here, capped, even where no route uses it: left unread,
            // Jetty would read and discard it to its end, however long it is
            RequestBody.read(ctx);
        }
    }

    /** Every refusal and failure, from a route or from Javalin, as the JSON error. */
    private static void mapErrors(Javalin app) {
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
            // a route's own 404 is JSON already (or a page, for a browser: the run page's "no such run")
            if (type == null || !(type.startsWith("application/json") || type.startsWith("text/html"))) {
                notFound(ctx);
            }
        });
        app.error(405, ctx -> error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on "
                + Texts.clip(ctx.path()) + "; GET /openapi.json lists the methods of each path."));
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

package org.maomao.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Function;

import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.Names;
import org.maomao.run.Run;
import org.maomao.run.RunExecutor;
import org.maomao.run.RunQuery;
import org.maomao.run.RunState;
import org.maomao.run.RunStore;
import org.maomao.run.UnknownCollectorException;
import org.maomao.schedule.Frequency;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.Schedule;
import org.maomao.units.Durations;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.http.Context;

/**
 * Runs: the prototype's {@code POST /run} (unchanged body: run now, or with {@code "cron": true}
 * create a schedule), listing, reading (with {@code ?wait=}; a browser gets the run's page),
 * events, log and cancel.
 */
final class RunsApi implements Resource {
    /** Longest {@code ?wait=} a request may hold a connection. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Set<String> RUN_FIELDS = Set.of("name", "dataset", "cron", "frequency");

    private final RunExecutor executor;
    private final RunStore runs;
    /** For {@code POST /run} with cron: the collector's dataset, and the schedule to create. */
    private final CollectorRegistry registry;
    private final QuartzRunScheduler scheduler;
    private final LogStreaming logs;
    private final JsonViews views;
    private final RunPage page;
    /** Why runs may not go into a dataset (cluster mode: it has no remote), or null. */
    private final Function<String, String> datasetRefusal;

    RunsApi(RunExecutor executor, RunStore runs, CollectorRegistry registry, QuartzRunScheduler scheduler, JsonViews views,
            Function<String, String> datasetRefusal) {
        this.datasetRefusal = datasetRefusal;
        this.executor = executor;
        this.runs = runs;
        this.registry = registry;
        this.scheduler = scheduler;
        this.logs = new LogStreaming(executor, runs);
        this.views = views;
        this.page = new RunPage(runs, new ObjectMapper());
    }

    @Override
    public void register(Routes routes) {
        routes.post("/run", this::run);
        routes.get("/runs", this::list);
        routes.get("/runs/{id}", this::get);
        routes.get("/runs/{id}/events", ctx -> ctx.json(runs.events(run(ctx.pathParam("id")).id()).stream()
                .map(views::event).toList()));
        routes.get("/runs/{id}/log", ctx -> logs.send(ctx, run(ctx.pathParam("id"))));
        routes.post("/runs/{id}/cancel", this::cancel);
    }

    private Run run(String id) {
        return runs.find(id).orElseThrow(() -> ApiException.notFound("run \"" + id + "\" does not exist."));
    }

    private void run(Context ctx) {
        JsonBody body = JsonBody.read(ctx, RUN_FIELDS);
        String name = body.requiredString("name");
        String dataset = body.string("dataset");
        boolean cron = body.bool("cron", false);
        String frequency = body.string("frequency");
        InvalidInput.as400(() -> Names.require("collector", name));
        if (dataset != null) {
            InvalidInput.as400(() -> Names.require("dataset", dataset));
        }
        if (!cron) {
            if (frequency != null) {
                throw ApiException.badRequest("\"frequency\" needs \"cron\": true; to run now, leave frequency out.");
            }
            String into = dataset != null ? dataset : registry.find(name).map(c -> c.dataset()).orElse(null);
            if (into != null) {
                DatasetRefusal.check(datasetRefusal, into);
            }
            try {
                ctx.status(202).json(views.run(executor.submit(name, dataset, "manual", null)));
            } catch (UnknownCollectorException e) {
                throw unknownCollector(e);
            }
            return;
        }
        if (frequency == null) {
            throw ApiException.badRequest("field \"frequency\" is missing: with \"cron\": true give hourly, daily, weekly "
                    + "or a crontab line such as \"0 6 * * 1\".");
        }
        Frequency f = InvalidInput.as400(() -> Frequency.parse(frequency, name));
        var c = registry.find(name).orElseThrow(() -> unknownCollector(new UnknownCollectorException(name)));
        DatasetRefusal.check(datasetRefusal, dataset != null ? dataset : c.dataset());
        Schedule s = scheduler.schedule(name, dataset != null ? dataset : c.dataset(), f, "api");
        ctx.status(201).json(views.schedule(s));
    }

    private static ApiException unknownCollector(UnknownCollectorException e) {
        return new ApiException(404, "unknown_collector", e.getMessage());
    }

    private void list(Context ctx) {
        String state = ctx.queryParam("state");
        RunState st = state == null ? null : InvalidInput.as400(() -> RunState.fromId(state));
        Instant before = QueryParams.instant(ctx, "before");
        int limit = QueryParams.count(ctx, "limit", RunQuery.DEFAULT_LIMIT, RunQuery.MAX_LIMIT);
        ctx.json(runs.list(new RunQuery(ctx.queryParam("collector"), st, before, limit)).stream().map(views::run).toList());
    }

    /** {@code ?wait=30s} holds the answer until the run has ended (at most a minute), so clients need not poll. */
    private void get(Context ctx) throws InterruptedException {
        if (Accepts.html(ctx.header("Accept"))) { // a browser: the run's page
            page.answer(ctx, ctx.pathParam("id"));
            return;
        }
        ctx.header("Vary", "Accept");
        Run r = run(ctx.pathParam("id"));
        String wait = ctx.queryParam("wait");
        if (wait != null && !r.state().isFinal()) {
            Duration d = InvalidInput.as400(() -> Durations.parse("query parameter wait", wait));
            if (d.compareTo(MAX_WAIT) > 0) {
                throw ApiException.badRequest("query parameter wait=" + wait + " is longer than " + MAX_WAIT.toSeconds() + "s.");
            }
            r = executor.awaitEnd(r.id(), d).orElse(r);
        }
        ctx.json(views.run(r));
    }

    private void cancel(Context ctx) {
        Run r = run(ctx.pathParam("id"));
        if (r.state().isFinal() || !executor.cancel(r.id())) {
            throw new ApiException(409, "already_finished", "run " + r.id() + " has already ended ("
                    + runs.find(r.id()).map(x -> x.state().id()).orElse("?") + ").");
        }
        ctx.status(202).json(views.run(run(r.id())));
    }
}

package org.maomao.http;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorRegistry;
import org.maomao.collector.RunPolicy;
import org.maomao.run.RunExecutor;
import org.maomao.schedule.QuartzRunScheduler;

import io.javalin.http.Context;

/** Collectors: the prototype's {@code POST /register} (unchanged body), listing, reading and deleting. */
final class CollectorsApi implements Resource {
    private static final Set<String> REGISTER_FIELDS;

    static {
        Set<String> f = new HashSet<>(RunPolicy.KEYS);
        f.addAll(List.of("name", "url", "image", "dataset", "env", "spike"));
        REGISTER_FIELDS = Set.copyOf(f);
    }

    private final CollectorRegistry registry;
    /** Deleting a collector deletes its schedules too. */
    private final QuartzRunScheduler scheduler;
    private final JsonViews views;
    /** Why runs may not go into a dataset (cluster mode: it has no remote), or null. */
    private final Function<String, String> datasetRefusal;
    /** For a collector's failure streaks. */
    private final RunExecutor executor;

    CollectorsApi(CollectorRegistry registry, QuartzRunScheduler scheduler, RunExecutor executor, JsonViews views,
                  Function<String, String> datasetRefusal) {
        this.datasetRefusal = datasetRefusal;
        this.registry = registry;
        this.scheduler = scheduler;
        this.executor = executor;
        this.views = views;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/register", this::register);
        routes.get("/collectors", ctx -> ctx.json(registry.list().stream().map(views::collector).toList()));
        routes.get("/collectors/{name}", ctx -> {
            Map<String, Object> view = views.collector(collector(ctx.pathParam("name")));
            // the datasets it fails into: alert_after_failures failed runs in a row, no success since
            view.put("failing", executor.failing(ctx.pathParam("name")));
            ctx.json(view);
        });
        routes.delete("/collectors/{name}", this::delete);
    }

    private Collector collector(String name) {
        return registry.find(name).orElseThrow(() -> ApiException.notFound("collector \"" + name + "\" is not registered."));
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
        if (dataset != null) {
            InvalidInput.as400(() -> org.maomao.collector.Names.require("dataset", dataset));
            DatasetRefusal.check(datasetRefusal, dataset);
        }
        Map<String, String> settings = new LinkedHashMap<>(body.scalars(RunPolicy.KEYS));
        body.stringMap("env").forEach((k, v) -> settings.put(RunPolicy.ENV_PREFIX + k, v));
        body.scalarMap("spike").forEach((k, v) -> settings.put(RunPolicy.SPIKE_PREFIX + k, v));
        CollectorRegistry.Registration reg = InvalidInput.as400(() -> registry.register(name,
                url != null ? url : image, dataset, settings, "api"));
        ctx.status(reg.created() ? 201 : 200).json(views.collector(reg.collector()));
    }

    private void delete(Context ctx) {
        String name = ctx.pathParam("name");
        collector(name);
        scheduler.deleteForCollector(name);
        registry.delete(name);
        ctx.status(204);
    }
}

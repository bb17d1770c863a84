package org.maomao.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.maomao.schedule.Schedule;

import io.javalin.http.Context;

/**
 * The daemon itself: the status page, the OpenAPI document, health, Prometheus metrics,
 * the SSH public key for dataset remotes, and reloading the config.
 */
final class SystemApi implements Resource {
    private final Health health;
    private final StatusPage statusPage;
    private final Supplier<String> metrics;
    private final Supplier<String> sshPublicKey;
    private final Supplier<Map<String, Object>> reload;

    SystemApi(Health health, StatusPage statusPage, Supplier<String> metrics, Supplier<String> sshPublicKey,
              Supplier<Map<String, Object>> reload) {
        this.health = health;
        this.statusPage = statusPage;
        this.metrics = metrics;
        this.sshPublicKey = sshPublicKey;
        this.reload = reload;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/", ctx -> ctx.html(statusPage.render(health.components())));
        routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi()));
        routes.get("/health", this::health);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get()));
        routes.get("/keys/ssh", ctx -> ctx.contentType("text/plain; charset=utf-8").result(sshPublicKey.get() + "\n"));
        routes.post("/reload", ctx -> ctx.json(InvalidInput.as400(reload)));
    }

    private void health(Context ctx) {
        Map<String, String> components = health.components();
        List<Schedule> late = health.late();
        boolean ok = Health.ok(components) && late.isEmpty();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? "ok" : "degraded");
        body.put("components", components);
        if (!late.isEmpty()) {
            List<Map<String, Object>> l = new ArrayList<>();
            for (Schedule s : late) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("schedule", s.id());
                m.put("collector", s.collector());
                m.put("dataset", s.dataset());
                m.put("due", s.nextFireTimes().isEmpty() ? null : s.nextFireTimes().get(0).toString());
                l.add(m);
            }
            body.put("late", l);
        }
        ctx.status(ok ? 200 : 503).json(body);
    }

    /** The OpenAPI document shipped in the jar. */
    static String openApi() throws IOException {
        try (InputStream in = SystemApi.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IOException("openapi.json is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

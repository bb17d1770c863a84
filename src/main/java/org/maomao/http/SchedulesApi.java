package org.maomao.http;

import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.schedule.Schedule;

import io.javalin.http.Context;

/** Schedules: listing, reading, deleting, pausing and resuming (they are created by {@code POST /run} with cron). */
final class SchedulesApi implements Resource {
    private final QuartzRunScheduler scheduler;
    private final JsonViews views;

    SchedulesApi(QuartzRunScheduler scheduler, JsonViews views) {
        this.scheduler = scheduler;
        this.views = views;
    }

    @Override
    public void register(Routes routes) {
        routes.get("/schedules", ctx -> ctx.json(scheduler.list().stream().map(views::schedule).toList()));
        routes.get("/schedules/{id}", ctx -> ctx.json(views.schedule(schedule(ctx.pathParam("id")))));
        routes.delete("/schedules/{id}", ctx -> {
            schedule(ctx.pathParam("id"));
            scheduler.delete(ctx.pathParam("id"));
            ctx.status(204);
        });
        routes.post("/schedules/{id}/pause", ctx -> pause(ctx, true));
        routes.post("/schedules/{id}/resume", ctx -> pause(ctx, false));
    }

    private Schedule schedule(String id) {
        return scheduler.find(id).orElseThrow(() -> ApiException.notFound("schedule \"" + id
                + "\" does not exist; GET /schedules lists them."));
    }

    private void pause(Context ctx, boolean pause) {
        String id = ctx.pathParam("id");
        schedule(id);
        scheduler.pause(id, pause);
        ctx.json(views.schedule(schedule(id)));
    }
}

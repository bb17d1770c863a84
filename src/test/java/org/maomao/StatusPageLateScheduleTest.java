package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.schedule.QuartzRunScheduler;
import org.maomao.testing.Chromium;
import org.maomao.testing.Poll;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;
import org.quartz.Scheduler;
import org.quartz.impl.SchedulerRepository;

/**
 * A schedule whose trigger stops firing is shown in red on the status page, in a real headless
 * Chromium, until it fires again. The daemon's own Quartz is put in standby, as a stuck
 * scheduler would be: its triggers stay, with their fire times passing, and nothing fires.
 */
class StatusPageLateScheduleTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String RED = "rgb(192, 38, 45)";

    @TempDir
    Path dir;
    TestDaemon daemon;
    Chromium chromium;

    @AfterEach
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    /** The computed colour of the first cell of schedule {@code id}'s row, and that row's last cell. */
    String row(String id) {
        return chromium.eval("(function(){var tr=Array.from(document.querySelectorAll('#schedules tr')).find(function(r){"
                + "return r.cells[0].textContent===" + Chromium.quote(id) + ";});"
                + "return tr?getComputedStyle(tr.cells[0]).color+' | '+tr.cells[4].textContent:null;})()");
    }

    @Test
    void should_mark_a_schedule_that_stopped_firing_in_red_and_clear_it_once_it_fires() throws Exception {
        String quick = TestImages.collector("maomao-test/late-page:1", "echo tick\n");
        daemon = new TestDaemon(dir.resolve("data"), Map.of("daemon.late_after", "1s", "defaults.retries", "0"));
        Scheduler quartz = SchedulerRepository.getInstance().lookup(QuartzRunScheduler.SCHEDULER_NAME);
        quartz.standby(); // stuck: nothing fires from here on
        daemon.register("ticker", quick, "");
        daemon.register("quiet", quick, "");
        assertThat(daemon.post("/run", "{\"name\":\"ticker\",\"dataset\":\"ticks\",\"cron\":true,\"frequency\":\"0/3 * * * * ?\"}")
                .status()).isEqualTo(201);
        assertThat(daemon.post("/run", "{\"name\":\"quiet\",\"dataset\":\"ticks\",\"cron\":true,\"frequency\":\"0/3 * * * * ?\"}")
                .status()).isEqualTo(201);
        assertThat(daemon.post("/schedules/quiet@ticks/pause", "").status()).isEqualTo(200);

        Poll.until(WAIT, "/health to call ticker@ticks late", () -> {
            TestDaemon.Response h = daemon.get("/health");
            return h.status() == 503 && h.body().contains("ticker@ticks");
        });
        chromium = Chromium.open(dir, daemon.url("/"));
        Poll.until(WAIT, "the status page", () -> chromium.text("schedules"));
        assertThat(row("ticker@ticks")).isEqualTo(RED + " | late: has not fired");
        assertThat(row("quiet@ticks")).as("paused: never late").doesNotContain(RED).endsWith("| paused");

        quartz.start(); // unstuck: the trigger fires and moves on
        Poll.until(WAIT, "/health to be ok again", () -> daemon.get("/health").status() == 200);
        chromium.call("Page.reload", Map.of());
        Poll.until(WAIT, "the reloaded page to show ticker@ticks on time", () -> {
            String r = row("ticker@ticks");
            return r != null && !r.contains(RED) && r.endsWith("| ") ? r : null;
        });
    }
}

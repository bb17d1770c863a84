package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.testing.TestDaemon;
import org.maomao.testing.TestImages;

/** The status page rendered by a real headless Chromium (Debian's chromium); the screenshot is kept. */
class StatusPageTest {
    static final Path SCREENSHOT = Path.of("target/screenshots/status-page.png");

    @TempDir
    Path dir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    String chromium(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory(dir, "chrome")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("chromium.err"))).isZero();
        return out;
    }

    @Test
    void should_render_collectors_schedules_runs_and_a_plot_with_its_spike_in_chromium() throws Exception {
        String spiky = TestImages.collector("maomao-test/spiky:page", """
                i=0
                echo "timestamp,value" > /output/level.csv
                while [ $i -lt 90 ]; do
                  v=$((100 + (i * 7) % 5))
                  if [ $i -eq 70 ]; then v=160; fi
                  printf '2026-03-01T00:%02d:%02d,%s\\n' $((i / 60)) $((i % 60)) $v >> /output/level.csv
                  i=$((i + 1))
                done
                """);
        daemon = new TestDaemon(dir.resolve("data"), Map.of());
        daemon.register("spiky", spiky, ",\"spike\":{\"lag\":20}");
        daemon.post("/run", "{\"name\":\"spiky\",\"dataset\":\"levels\",\"cron\":true,\"frequency\":\"daily\"}");
        daemon.awaitEnd(daemon.runNow("spiky", "levels"), Duration.ofSeconds(60));

        String dom = chromium("--virtual-time-budget=3000", "--dump-dom", daemon.url("/"));
        assertThat(dom).contains("<h1>maomao</h1>", "id=\"refresh\"", "spiky", "maomao-test/spiky:page", "spiky@levels",
                "succeeded", "levels/spiky/level.csv#value");
        assertThat(dom).containsPattern("<svg class=\"series-plot\"[^>]*>.*<path d=\"M[^\"]+\"");
        assertThat(dom.split("class=\"spike\"", -1)).hasSize(2); // exactly one spike marked
        // the detector's band behind the line, a value axis and a time axis (first and last time of the file)
        assertThat(dom).contains("class=\"band\"", "class=\"value-axis\"", ">2026-03-01 00:00<", ">2026-03-01 00:01<");
        // no CDN: every script, style and image comes from the jar (links to the members' own pages are not assets)
        assertThat(dom).doesNotContainPattern("<(script|link|img|iframe|object|embed|source)\\b[^>]*(src|href)=\"(https?:)?//")
                .doesNotContainPattern("url\\(\\s*['\"]?(https?:)?//").doesNotContain("@import");

        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        chromium("--window-size=1280,1100", "--screenshot=" + SCREENSHOT.toAbsolutePath(), daemon.url("/"));
        assertThat(SCREENSHOT).exists();
        byte[] png = Files.readAllBytes(SCREENSHOT);
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(new String(png, 1, 3)).isEqualTo("PNG");
    }
}

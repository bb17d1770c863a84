package org.maomao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.config.LogFile;
import org.maomao.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code [daemon] log_file}: every line goes to the file too, rotated by size, with a bounded number of old files. */
class DaemonLogTest {
    private static final Logger log = LoggerFactory.getLogger(DaemonLogTest.class);
    @TempDir
    Path dir;

    @AfterEach
    void detach() {
        DaemonLog.removeFile();
    }

    @Test
    void should_write_every_line_to_the_file_and_keep_at_most_log_max_files_old_files_of_about_log_max_size() throws IOException {
        Path file = dir.resolve("maomao.log");
        LogFile settings = LogFile.from(settings(Map.of("log_file", file.toString(), "log_max_size", "2k",
                "log_max_files", "3"))).orElseThrow();
        DaemonLog.addFile(settings);
        String filler = "x".repeat(100);
        for (int i = 0; i < 500; i++) {
            log.info("line {} {}", i, filler);
        }
        log.info("the last line");
        assertThat(Files.readString(file)).contains("INFO", "DaemonLogTest - the last line");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("maomao.log")).sorted().toList())
                    .containsExactly("maomao.log", "maomao.log.1", "maomao.log.2", "maomao.log.3");
        }
        for (String old : List.of("maomao.log.1", "maomao.log.2", "maomao.log.3")) {
            long size = Files.size(dir.resolve(old));
            // rotated once the file reached 2 KiB: at most one line (about 190 bytes) past it
            assertThat(size).as(old).isBetween(2048L, 2048L + 400);
        }
        // the newest old file holds the lines just before the current file's
        assertThat(Files.readString(dir.resolve("maomao.log.1"))).doesNotContain("the last line").contains("line 4");
    }

    @Test
    void should_refuse_a_log_file_that_cannot_work_with_a_sentence() throws IOException {
        assertThatThrownBy(() -> LogFile.from(settings(Map.of("log_file", dir.toString()))))
                .hasMessageContaining("is a folder");
        assertThatThrownBy(() -> LogFile.from(settings(Map.of("log_file", dir.resolve("no/such/maomao.log").toString()))))
                .hasMessageContaining("its folder does not exist");
        assertThatThrownBy(() -> LogFile.from(settings(Map.of("log_file", "x.log", "log_max_size", "ten"))))
                .hasMessageContaining("[daemon] log_max_size \"ten\" is not a size");
        assertThatThrownBy(() -> LogFile.from(settings(Map.of("log_file", "x.log", "log_max_size", "100"))))
                .hasMessageContaining("at least 1k");
        for (String n : List.of("0", "21", "-1", "many")) {
            assertThatThrownBy(() -> LogFile.from(settings(Map.of("log_file", "x.log", "log_max_files", n))))
                    .as(n).hasMessageContaining("[daemon] log_max_files must be a whole number from 1 to 20");
        }
        assertThat(LogFile.from(settings(Map.of()))).isEmpty();
        LogFile d = LogFile.from(settings(Map.of("log_file", dir.resolve("a.log").toString()))).orElseThrow();
        assertThat(d.maxBytes()).isEqualTo(10L << 20);
        assertThat(d.maxFiles()).isEqualTo(5);
    }

    private Settings settings(Map<String, String> daemon) throws IOException {
        StringBuilder ini = new StringBuilder("[daemon]\n");
        daemon.forEach((k, v) -> ini.append(k).append(" = ").append(v).append('\n'));
        Path f = Files.createTempFile(dir, "config", ".ini");
        Files.writeString(f, ini);
        return Settings.fromLayers(List.of(f), Map.of());
    }
}

package org.maomao.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measuring a run's /output: bytes of regular files, entries of any kind, links never followed. */
class OutputLimitTest {
    @TempDir
    Path dir;

    @Test
    void should_pass_output_within_both_bounds() throws Exception {
        Files.write(Files.createDirectories(dir.resolve("out/sub")).resolve("a"), new byte[100]);
        assertThat(OutputLimit.check(dir.resolve("out"), 100, 2)).isNull();
        assertThat(OutputLimit.check(dir.resolve("missing"), 1, 1)).isNull();
    }

    @Test
    void should_report_bytes_and_entries_over_their_bounds() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.write(out.resolve("a"), new byte[60]);
        Files.write(out.resolve("b"), new byte[60]);
        assertThat(OutputLimit.check(out, 100, 10)).isEqualTo("/output holds more than max_output (100 bytes)");
        for (int i = 0; i < 5; i++) {
            Files.createDirectories(out.resolve("d" + i)); // empty folders count too: inodes are not free
        }
        assertThat(OutputLimit.check(out, 1000, 5)).isEqualTo("/output holds more than max_output_files (5 files and folders)");
    }

    @Test
    void should_not_follow_links_out_of_the_output() throws Exception {
        Path outside = Files.write(dir.resolve("outside"), new byte[10_000]);
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(out.resolve("link"), outside);
        Files.createSymbolicLink(out.resolve("dirlink"), dir);
        assertThat(OutputLimit.check(out, 100, 10)).isNull();
        assertThat(OutputLimit.check(out, 100, 1)).contains("max_output_files");
    }
}

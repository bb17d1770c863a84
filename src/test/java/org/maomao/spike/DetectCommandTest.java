package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maomao.cli.DetectCommand;
import picocli.CommandLine;

/** The offline {@code detect} command, run as the daemon's CLI runs it; lives here because it is the spike package's front end. */
class DetectCommandTest {

    @TempDir
    Path dir;

    private Path csv;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void copyTheSampleFile() throws IOException {
        csv = dir.resolve("two-series.csv");
        try (InputStream in = getClass().getResourceAsStream("/spike/two-series.csv")) {
            Files.copy(in, csv, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private int detect(String... args) {
        CommandLine command = new CommandLine(new DetectCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    /** As the launcher runs it: the whole command tree, whose options (--json, --url, --token) detect inherits. */
    private int maomao(String... args) {
        CommandLine command = new CommandLine(new org.maomao.cli.MaomaoCli());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    private List<String> outputLines() {
        return out.toString().lines().toList();
    }

    @Test
    void should_print_the_header_and_one_row_per_input_row() throws IOException {
        int exit = detect(csv.toString(), "--lag", "20", "--threshold", "5");

        List<String> lines = outputLines();
        assertThat(exit).isZero();
        assertThat(lines.get(0)).isEqualTo("timestamp,value,score,spike");
        assertThat(lines).hasSize(Files.readAllLines(csv).size());
        assertThat(lines.get(1)).isEqualTo("2024-03-01 00:00:00,105,0.0000,0");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void should_scan_the_first_numeric_column_by_default_and_flag_its_spike() {
        detect(csv.toString(), "--lag", "20", "--threshold", "5");

        List<String> rows = outputLines().subList(1, outputLines().size());
        assertThat(rows).filteredOn(line -> !line.endsWith(",0"))
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("2024-03-01 08:20:00,400,").endsWith(",1"));
    }

    @Test
    void should_scan_the_column_it_is_given() {
        int exit = detect(csv.toString(), "--column", "latency_ms", "--method", "robust");

        assertThat(exit).isZero();
        assertThat(outputLines().get(1)).startsWith("2024-03-01 00:00:00,21.26,");
    }

    @Test
    void should_exit_2_on_an_unknown_column_and_list_the_numeric_ones() {
        int exit = detect(csv.toString(), "--column", "cpu");

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("'cpu'").contains("does not exist").contains("requests, latency_ms");
    }

    @Test
    void should_exit_2_on_a_column_that_is_not_numeric() {
        int exit = detect(csv.toString(), "--column", "host");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("'host'").contains("is not a numeric series");
    }

    @Test
    void should_exit_2_on_a_missing_file() {
        int exit = detect(dir.resolve("nope.csv").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("No such file").contains("nope.csv");
    }

    @Test
    void should_exit_2_with_a_sentence_on_a_folder_or_a_file_that_is_not_utf8() throws IOException {
        assertThat(detect(dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is not a regular file").doesNotContain("No such file");

        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "timestamp,value\n2026-01-01T00:00:00Z,caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(detect(latin1.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("latin1.csv is not UTF-8 text.");
    }

    @Test
    void should_exit_2_when_the_file_has_no_numeric_column() throws IOException {
        Path text = Files.writeString(dir.resolve("names.csv"), "timestamp,name\nt1,ann\n");

        int exit = detect(text.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("has no numeric column").contains("timestamp, name");
    }

    @Test
    void should_exit_2_on_an_invalid_setting_with_the_reason() {
        int exit = detect(csv.toString(), "--lag", "1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("spike lag must be between 2 and");
    }

    @Test
    void should_exit_2_on_an_empty_setting_instead_of_taking_the_default() {
        for (String option : new String[] {"--lag=", "--season=", "--cooldown= ", "--threshold=", "--record="}) {
            StringBuffer buffer = err.getBuffer();
            buffer.setLength(0);
            int exit = detect(csv.toString(), option);

            assertThat(exit).as(option).isEqualTo(2);
            assertThat(err.toString()).as(option).contains("is empty: give a value").contains("leave it out");
        }
    }

    @Test
    void should_print_json_lines_with_the_band_when_asked_for_json_before_or_after_the_command() throws IOException {
        Path odd = dir.resolve("odd.csv");
        StringBuilder rows = new StringBuilder("time,v\n");
        for (int i = 0; i < 40; i++) {
            rows.append(i == 0 ? "\"say \"\"hi\"\"\\\"" : "t" + i).append(',').append(i == 35 ? 900 : 10 + i % 3).append('\n');
        }
        Files.writeString(odd, rows);
        for (String[] args : new String[][] {{"detect", "--json", odd.toString()}, {"--json", "detect", odd.toString()}}) {
            out.getBuffer().setLength(0);
            int exit = maomao(args);

            assertThat(exit).as(String.join(" ", args)).isZero();
            List<String> lines = outputLines();
            assertThat(lines).hasSize(40);
            com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode first = mapper.readTree(lines.get(0));
            assertThat(first.get("timestamp").asText()).isEqualTo("say \"hi\"\\");
            assertThat(first.get("lower").isNull()).isTrue(); // not judged yet: no band
            com.fasterxml.jackson.databind.JsonNode spike = mapper.readTree(lines.get(35));
            assertThat(spike.get("spike").asInt()).isEqualTo(1);
            assertThat(spike.get("value").asDouble()).isEqualTo(900).isGreaterThan(spike.get("upper").asDouble());
            assertThat(spike.get("expected").asDouble()).isBetween(spike.get("lower").asDouble(), spike.get("upper").asDouble());
        }
    }

    @Test
    void should_scan_a_jsonl_field_by_its_dotted_path_as_the_daemon_names_its_series() throws IOException {
        Path jsonl = dir.resolve("metrics.JSONL");
        StringBuilder lines = new StringBuilder();
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 120; i++) {
            double user = i == 90 ? 400 : 50 + random.nextGaussian();
            lines.append("{\"timestamp\":\"2026-01-01T").append(String.format("%02d:%02d", i / 60, i % 60))
                    .append(":00Z\",\"cpu\":{\"user\":").append(user).append(",\"sys\":")
                    .append(i == 5 ? "\"n/a\"" : "3").append("},\"n\":").append(i % 7 == 0 ? "null" : i).append("}\n");
            if (i == 60) {
                lines.append("\n"); // a blank line is no row
            }
        }
        Files.writeString(jsonl, lines);

        int exit = detect(jsonl.toString());
        assertThat(exit).isZero();
        List<String> rows = outputLines();
        assertThat(rows).hasSize(121); // the header and one row per line: cpu.user is the first numeric field
        assertThat(rows.stream().filter(l -> l.endsWith(",1"))).containsExactly("2026-01-01T01:30:00Z,400,"
                + rows.get(91).split(",")[2] + ",1");

        out.getBuffer().setLength(0);
        assertThat(detect(jsonl.toString(), "--column", "n")).isZero();
        assertThat(outputLines()).hasSize(1 + 120 - 18); // lines whose n is null are left out, as missing cells

        assertThat(detect(jsonl.toString(), "--column", "cpu.sys")).isEqualTo(2); // a string on one line
        assertThat(err.toString()).contains("Field 'cpu.sys'", "is not a numeric series", "numeric fields: cpu.user, n.");

        Files.writeString(jsonl, "{\"a\":1}\n{\"a\":\n", java.nio.file.StandardOpenOption.APPEND);
        err.getBuffer().setLength(0);
        assertThat(detect(jsonl.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("line 123 is not one JSON object");
    }

    @Test
    void should_exit_2_when_given_a_daemon_to_ask_since_it_reads_a_file() {
        int exit = maomao("detect", csv.toString(), "--url", "http://127.0.0.1:9");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--url and --token do not apply");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void should_exit_2_on_an_unknown_method() {
        int exit = detect(csv.toString(), "--method", "magic");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("zscore, robust");
    }

    @Test
    void should_explain_each_row_with_the_expected_value_and_its_band() {
        int exit = detect(csv.toString(), "--lag", "20", "--threshold", "5", "--explain");

        List<String> lines = outputLines();
        assertThat(exit).isZero();
        assertThat(lines.get(0)).isEqualTo("timestamp,value,expected,lower,upper,score,spike");
        String spike = lines.stream().filter(l -> l.endsWith(",1")).findFirst().orElseThrow();
        String[] f = spike.split(",");
        assertThat(f[0]).isEqualTo("2024-03-01 08:20:00");
        double value = Double.parseDouble(f[1]);
        double lower = Double.parseDouble(f[3]);
        double upper = Double.parseDouble(f[4]);
        assertThat(Double.parseDouble(f[2])).isBetween(lower, upper);
        assertThat(value).isGreaterThan(upper); // a spike up lies above its band
        long quietInsideBand = lines.stream().skip(30).filter(l -> l.endsWith(",0")).filter(l -> {
            String[] g = l.split(",");
            double v = Double.parseDouble(g[1]);
            return v >= Double.parseDouble(g[3]) && v <= Double.parseDouble(g[4]);
        }).count();
        assertThat(quietInsideBand).isEqualTo(lines.stream().skip(30).filter(l -> l.endsWith(",0")).count());
    }

    @Test
    void should_take_the_daemons_settings_as_options_and_exit_2_on_a_bad_one_with_a_sentence() {
        assertThat(detect(csv.toString(), "--lag", "2h", "--cooldown", "1d", "--min-points", "10", "--season", "none"))
                .isZero();
        assertThat(detect(csv.toString(), "--record", "0")).isZero();
        assertThat(detect(csv.toString(), "--record", "7d")).isZero();
        for (String[] bad : new String[][] {{"--lag", "12x"}, {"--season", "yearly"}, {"--min-points", "1"},
                {"--cooldown", "-2"}, {"--threshold", "0"}, {"--method", "magic"}, {"--history", "1"},
                {"--history", "3y"}, {"--likelihood-tail", "0.5"}, {"--likelihood-tail", "never"}, {"--record", "-1"},
                {"--record", "1000001"}, {"--record", "always"}}) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            assertThat(detect(csv.toString(), bad[0], bad[1])).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(out.toString()).isEmpty();
            assertThat(err.toString().strip()).as(String.join(" ", bad)).contains(bad[1]).endsWith(".");
        }
    }
}

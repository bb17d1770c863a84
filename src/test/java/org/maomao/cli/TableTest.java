package org.maomao.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** A table prints as it did with {@code String.format("%-<width>s  ")} for each column but the last. */
class TableTest {
    @Test
    void should_align_columns_as_string_format_did() {
        Random r = new Random(7);
        for (int k = 0; k < 300; k++) {
            int cols = 1 + r.nextInt(5);
            List<String[]> rows = new ArrayList<>();
            String[] header = new String[cols];
            for (int c = 0; c < cols; c++) {
                header[c] = "H" + c;
            }
            rows.add(header);
            Table t = new Table(header);
            for (int n = r.nextInt(4); n > 0; n--) {
                String[] row = new String[cols];
                for (int c = 0; c < cols; c++) {
                    row[c] = cell(r);
                }
                t.row((Object[]) row);
                String[] shown = row.clone();
                for (int c = 0; c < cols; c++) {
                    shown[c] = "null".equals(shown[c]) ? "-" : shown[c];
                }
                rows.add(shown);
            }
            StringWriter out = new StringWriter();
            t.print(new PrintWriter(out));
            assertThat(out.toString()).isEqualTo(withFormat(rows, cols));
        }
    }

    /** The former Table.print. */
    static String withFormat(List<String[]> rows, int cols) {
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder all = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                sb.append(i == cols - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            all.append(sb.toString().stripTrailing()).append(System.lineSeparator());
        }
        return all.toString();
    }

    static String cell(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "";
            case 1 -> "null";
            case 2 -> "é漢😀 x";
            case 3 -> "trailing  ";
            case 4 -> "a".repeat(r.nextInt(20));
            default -> "-";
        };
    }
}

package org.maomao.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null || "null".equals(String.valueOf(cells[i])) ? "-" : TerminalText.safe(String.valueOf(cells[i]));
        }
        rows.add(r);
        return this;
    }

    void print(PrintWriter out) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols && i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols && i < r.length; i++) {
                // left-aligned in its column, two blanks after: String.format("%-<w>s  "), without a Formatter
                sb.append(r[i]);
                if (i < cols - 1) {
                    for (int pad = w[i] - r[i].length() + 2; pad > 0; pad--) {
                        sb.append(' ');
                    }
                }
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }
}

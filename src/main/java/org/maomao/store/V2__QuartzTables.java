package org.maomao.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Creates Quartz's JDBC job store tables from the DDL shipped in the Quartz jar, for
 * H2 or PostgreSQL, so the schema always matches the Quartz version on the classpath.
 * The scripts' DROP and COMMIT statements are left out: a migration only creates.
 * (Flyway takes the version, 2, from the class name.)
 */
public final class V2__QuartzTables extends BaseJavaMigration {
    @Override
    public Integer getChecksum() {
        return 2; // bump when the statement filter below changes
    }

    @Override
    public void migrate(Context context) throws Exception {
        String product = context.getConnection().getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String script = product.contains("postgres") ? "tables_postgres.sql" : "tables_h2.sql";
        try (Statement st = context.getConnection().createStatement()) {
            for (String sql : statements(read("org/quartz/impl/jdbcjobstore/" + script))) {
                st.execute(sql);
            }
        }
    }

    static List<String> statements(String script) {
        StringBuilder clean = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.startsWith("#")) {
                continue;
            }
            clean.append(line).append('\n');
        }
        List<String> out = new ArrayList<>();
        for (String s : clean.toString().split(";")) {
            String t = s.strip();
            String upper = t.toUpperCase(Locale.ROOT);
            if (t.isEmpty() || upper.startsWith("DROP ") || upper.equals("COMMIT")) {
                continue;
            }
            out.add(t);
        }
        return out;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = V2__QuartzTables.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Quartz DDL " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

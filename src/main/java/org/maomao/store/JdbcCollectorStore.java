package org.maomao.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.maomao.collector.Collector;
import org.maomao.collector.CollectorStore;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Collectors in the {@code mm_collectors} table; policy settings as a JSON object. */
public final class JdbcCollectorStore implements CollectorStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Jdbc jdbc;

    public JdbcCollectorStore(DataSource ds) {
        this.jdbc = new Jdbc(ds);
    }

    @Override
    public boolean upsert(Collector c) {
        String settings = toJson(c.settings());
        return jdbc.inTransactionRetryingDuplicates(conn -> {
            int n = Jdbc.update(conn, "UPDATE mm_collectors SET image=?, dataset=?, settings=?, source=?, updated_at=? WHERE name=?",
                    c.image(), c.dataset(), settings, c.source(), c.updatedAt(), c.name());
            if (n == 0) {
                Jdbc.update(conn, "INSERT INTO mm_collectors (name, image, dataset, settings, source, created_at, updated_at) "
                        + "VALUES (?,?,?,?,?,?,?)", c.name(), c.image(), c.dataset(), settings, c.source(), c.createdAt(), c.updatedAt());
                return true;
            }
            return false;
        });
    }

    @Override
    public Optional<Collector> find(String name) {
        return jdbc.one("SELECT * FROM mm_collectors WHERE name=?", JdbcCollectorStore::map, name);
    }

    @Override
    public List<Collector> list() {
        return jdbc.query("SELECT * FROM mm_collectors ORDER BY name", JdbcCollectorStore::map);
    }

    @Override
    public boolean delete(String name) {
        return jdbc.update("DELETE FROM mm_collectors WHERE name=?", name) > 0;
    }

    private static Collector map(ResultSet rs) throws SQLException {
        return new Collector(rs.getString("name"), rs.getString("image"), rs.getString("dataset"),
                fromJson(rs.getString("settings")), rs.getString("source"), Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "updated_at"));
    }

    private static String toJson(Map<String, String> m) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> fromJson(String s) {
        try {
            return JSON.readValue(s, new TypeReference<Map<String, String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

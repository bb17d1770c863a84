package org.maomao.store;

import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import org.maomao.collector.Collector;

/** Registers a collector row in a test database, as the daemon's registry does before any run of it. */
final class Collectors {
    private Collectors() {
    }

    static void register(DataSource ds, String name) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        new JdbcCollectorStore(ds).upsert(new Collector(name, "img:1", "ds", Map.of(), Collector.SOURCE_API, now, now));
    }
}

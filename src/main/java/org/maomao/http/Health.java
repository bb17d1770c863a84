package org.maomao.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The daemon's components (docker, store, git, etcd), each up or down; what {@code /health} and the status page show. */
final class Health {
    private final Map<String, BooleanSupplier> checks;

    Health(Map<String, BooleanSupplier> checks) {
        this.checks = new LinkedHashMap<>(checks);
    }

    /** Each component "up" or "down", in the order given; etcd "disabled" when no endpoints are set. */
    Map<String, String> components() {
        Map<String, String> components = new LinkedHashMap<>();
        checks.forEach((k, v) -> components.put(k, v.getAsBoolean() ? "up" : "down"));
        components.putIfAbsent("etcd", "disabled");
        return components;
    }

    static boolean ok(Map<String, String> components) {
        return !components.containsValue("down");
    }
}

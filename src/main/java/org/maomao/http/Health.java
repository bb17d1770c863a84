package org.maomao.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.maomao.schedule.Schedule;

/** The daemon's components (docker, store, git, etcd), each up or down; what {@code /health} and the status page show. */
final class Health {
    private final Map<String, BooleanSupplier> checks;
    private final Supplier<List<Schedule>> late;

    /** @param late the schedules that stopped firing (null: none are watched) */
    Health(Map<String, BooleanSupplier> checks, Supplier<List<Schedule>> late) {
        this.checks = new LinkedHashMap<>(checks);
        this.late = late == null ? List::of : late;
    }

    /** Schedules whose fire time passed {@code late_after} ago without firing: collection has stopped. */
    List<Schedule> late() {
        return late.get();
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

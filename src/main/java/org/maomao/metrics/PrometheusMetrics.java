package org.maomao.metrics;

import java.time.Duration;
import java.util.function.Supplier;

import org.maomao.run.Run;
import org.maomao.run.RunMetrics;
import org.maomao.spike.SpikeRecord;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * maomao's metrics in Prometheus format for {@code GET /metrics}: runs by collector and
 * final state, run durations as a histogram, spikes, the run queue, schedules, and
 * errors talking to Docker, git and etcd.
 */
public final class PrometheusMetrics implements RunMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * @param queueDepth runs waiting for a free slot
     * @param running    runs whose container runs now
     * @param schedules  how many schedules exist
     */
    public PrometheusMetrics(Supplier<Number> queueDepth, Supplier<Number> running, Supplier<Number> schedules) {
        Gauge.builder("maomao_run_queue_depth", () -> queueDepth.get().doubleValue())
                .description("Runs queued, waiting for a free slot").register(registry);
        Gauge.builder("maomao_runs_running", () -> running.get().doubleValue())
                .description("Runs whose container runs now").register(registry);
        Gauge.builder("maomao_schedules", () -> schedules.get().doubleValue())
                .description("Schedules in the store").register(registry);
        for (String c : new String[] {"docker", "git", "etcd"}) {
            errors(c); // present from the start, at zero
        }
    }

    /** Adds the gauge of the {@code GET /watch} streams open now. */
    public void watchers(Supplier<Number> open) {
        Gauge.builder("maomao_watchers", () -> open.get().doubleValue())
                .description("Streams of GET /watch open now").register(registry);
    }

    @Override
    public void ended(Run run, Duration duration) {
        Counter.builder("maomao_runs").description("Runs that reached a final state")
                .tags("collector", run.collector(), "state", run.state().id()).register(registry).increment();
        if (!duration.isZero()) {
            Timer.builder("maomao_run_duration").description("Wall time of a run's last attempt")
                    .tags("collector", run.collector()).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofHours(2))
                    .register(registry).record(duration);
        }
    }

    @Override
    public void spike(SpikeRecord spike, String collector) {
        Counter.builder("maomao_spikes").description("Spikes found").tags("collector", collector)
                .register(registry).increment();
    }

    @Override
    public void error(String component) {
        errors(component).increment();
    }

    private Counter errors(String component) {
        return Counter.builder("maomao_component_errors").description("Failures talking to a component")
                .tags("component", component).register(registry);
    }

    /** The text exposition format. */
    public String scrape() {
        return registry.scrape();
    }
}

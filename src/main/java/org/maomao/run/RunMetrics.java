package org.maomao.run;

import java.time.Duration;

import org.maomao.spike.SpikeRecord;

/** What the run pipeline reports for monitoring. */
public interface RunMetrics {
    /** A no-op, for tests and tools. */
    RunMetrics NONE = new RunMetrics() {
        @Override
        public void ended(Run run, Duration duration) {
        }

        @Override
        public void spike(SpikeRecord spike, String collector) {
        }

        @Override
        public void error(String component) {
        }
    };

    /** A run reached a final state; {@code duration} is from its last start to its end (zero if it never ran). */
    void ended(Run run, Duration duration);

    void spike(SpikeRecord spike, String collector);

    /** A failure talking to {@code docker}, {@code git} or {@code etcd}. */
    void error(String component);
}

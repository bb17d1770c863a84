package org.maomao.spike;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;

class SmallSampleWideningTest {

    @Test
    void should_give_commons_maths_t_quantile_and_match_it_by_the_expansion_past_the_exact_range() {
        for (double threshold : new double[] {3, 3.5, 4, 5}) {
            SmallSampleWidening widening = new SmallSampleWidening(threshold);
            double tail = new NormalDistribution(null, 0, 1).cumulativeProbability(-threshold);
            for (int dof : new int[] {1, 2, 10, 71, 200}) {
                assertThat(widening.quantile(dof)).as("threshold %s, dof %d", threshold, dof)
                        .isCloseTo(-new TDistribution(null, dof).inverseCumulativeProbability(tail), within(1e-9));
            }
            for (int dof : new int[] {201, 359, 1000, 10_000}) {
                double exact = -new TDistribution(null, dof).inverseCumulativeProbability(tail);
                assertThat(widening.quantile(dof)).as("threshold %s, dof %d", threshold, dof)
                        .isCloseTo(exact, within(1e-6 * exact));
            }
        }
    }

    @Test
    void should_widen_young_windows_most_and_tend_to_no_widening_as_they_grow() {
        SmallSampleWidening widening = new SmallSampleWidening(4);
        // 30 points judged by median and MAD: about 10 degrees of freedom
        assertThat(widening.factor(30, true)).isCloseTo(
                -new TDistribution(null, 10).inverseCumulativeProbability(
                        new NormalDistribution(null, 0, 1).cumulativeProbability(-4)) / 4 * Math.sqrt(1 + 1.0 / 30),
                within(1e-12));
        double previous = Double.POSITIVE_INFINITY;
        for (int n = 8; n <= 5000; n += 7) {
            double f = widening.factor(n, n < 200);
            assertThat(f).as("n=%d", n).isGreaterThanOrEqualTo(1);
            if (n != 204) { // the step from MAD to standard deviation at 200 points
                assertThat(f).as("n=%d", n).isLessThanOrEqualTo(previous);
            }
            previous = f;
        }
        assertThat(widening.factor(30, true)).isGreaterThan(widening.factor(30, false)).isGreaterThan(1.1);
        assertThat(widening.factor(5000, false)).isCloseTo(1, within(0.01));
        assertThat(widening.factor(1, true)).isEqualTo(1);
        assertThat(new SmallSampleWidening(60).factor(30, true)).as("no tail left to match").isEqualTo(1);
    }
}

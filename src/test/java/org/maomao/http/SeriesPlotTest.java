package org.maomao.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.maomao.spike.DatasetSeriesAnalyzer.BandPoint;

/** The status page's plot of one series: band, line, spikes, axes, one point. */
class SeriesPlotTest {

    private static String draw(List<BandPoint> points, Set<String> spikes) {
        StringBuilder h = new StringBuilder();
        SeriesPlot.draw(h, "c/f.csv#v", points, spikes);
        return h.toString();
    }

    private static BandPoint p(String t, double v, Double expected) {
        return new BandPoint(t, v, expected, expected == null ? null : expected - 2, expected == null ? null : expected + 2);
    }

    @Test
    void should_show_the_point_of_a_one_point_series_with_its_value_and_time_on_the_axes() {
        String svg = draw(List.of(p("2026-03-01T00:05:00Z", 42, null)), Set.of());
        assertThat(svg).contains("class=\"point\"").doesNotContain("<path d=\"M");
        assertThat(svg).contains("class=\"time-axis\"", ">2026-03-01 00:05<", "class=\"value-axis\"");
    }

    @Test
    void should_draw_the_band_behind_the_line_and_circle_the_spike() {
        String svg = draw(List.of(p("2026-03-01T00:00:00Z", 10, null), p("2026-03-01T01:00:00Z", 10, 10.0),
                p("2026-03-01T02:00:00Z", 30, 10.0), p("2026-03-01T03:00:00Z", 11, 10.5)), Set.of(SeriesPlot.key("2026-03-01T02:00:00Z", 30)));
        assertThat(svg.indexOf("class=\"band\"")).as("band first, so it lies behind the line").isPositive()
                .isLessThan(svg.indexOf("stroke=\"#2864c7\""));
        assertThat(svg.split("class=\"spike\"", -1)).hasSize(2);
        assertThat(svg).contains(">2026-03-01 00:00<", ">2026-03-01 03:00<");
        // the value axis runs from the lowest to the highest value shown (the band may widen it by half the span)
        assertThat(svg).containsPattern("class=\"value-axis\"[^>]*>30<").containsPattern("class=\"value-axis\"[^>]*>8<");
    }

    @Test
    void should_place_points_by_their_time_when_every_time_reads() {
        String svg = draw(List.of(p("2026-03-01T00:00:00Z", 1, null), p("2026-03-01T01:00:00Z", 2, null),
                p("2026-03-01T10:00:00Z", 3, null)), Set.of());
        List<Double> x = xs(svg);
        // the second point is an hour into ten, not halfway
        assertThat((x.get(1) - x.get(0)) / (x.get(2) - x.get(0))).isBetween(0.09, 0.11);
        String untimed = draw(List.of(p("a", 1, null), p("b", 2, null), p("c", 3, null)), Set.of());
        List<Double> even = xs(untimed);
        assertThat((even.get(1) - even.get(0)) / (even.get(2) - even.get(0))).isBetween(0.49, 0.51);
    }

    @Test
    void should_escape_what_a_collector_wrote_and_leave_out_values_that_are_not_finite() {
        String svg = draw(List.of(p("<script>x</script>", 1, null), p("t2", Double.POSITIVE_INFINITY, null),
                p("\"><img src=x>", 2, null)), Set.of());
        assertThat(svg).doesNotContain("<script>", "<img").contains("&lt;script&gt;").doesNotContain("NaN", "Infinity");
    }

    @Test
    void should_circle_only_the_point_that_is_the_spike_when_a_time_cell_repeats() {
        String svg = draw(List.of(p("not a time", 1, null), p("not a time", 9, null), p("not a time", 2, null)),
                Set.of(SeriesPlot.key("not a time", 9)));
        assertThat(svg.split("class=\"spike\"", -1)).hasSize(2);
    }

    @Test
    void should_keep_every_coordinate_inside_the_plot_for_values_near_the_largest_doubles() {
        for (List<BandPoint> points : List.of(
                List.of(p("t1", 1e308, null), p("t2", -1e308, null), p("t3", Double.MAX_VALUE, null)),
                List.of(p("t1", -1e308, null)),
                List.of(p("t1", 5, 5.0), p("t2", 1e308, 1e150)))) {
            String svg = draw(points, Set.of());
            List<Double> ys = Pattern.compile("(?:cy=\"|[ML][0-9.]+,)(-?[0-9.]+)").matcher(svg).results()
                    .map(r -> Double.parseDouble(r.group(1))).toList();
            assertThat(ys).as(svg).isNotEmpty().allSatisfy(y -> assertThat(y).isBetween(0.0, (double) SeriesPlot.H));
            assertThat(svg).doesNotContain("NaN", "Infinity");
        }
    }

    /** The x of each point of the line. */
    private static List<Double> xs(String svg) {
        Matcher m = Pattern.compile("<path d=\"([^\"]+)\" fill=\"none\"").matcher(svg);
        assertThat(m.find()).isTrue();
        return Pattern.compile("[ML]([0-9.]+),").matcher(m.group(1)).results()
                .map(r -> Double.parseDouble(r.group(1))).toList();
    }
}

package org.maomao.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.maomao.spike.DatasetSeriesAnalyzer.BandPoint;
import org.maomao.spike.SeriesTime;

/**
 * One series as a small SVG for the status page: the detector's band behind the line, the spikes
 * circled, a value axis (its lowest and highest value) and a time axis (its first and last time,
 * points placed by their time when every time reads, else evenly). A one-point series shows its point.
 */
final class SeriesPlot {
    static final int W = 380;
    static final int H = 120;
    /** Room for the value labels on the left and the time labels below. */
    private static final int LEFT = 50;
    private static final int RIGHT = 6;
    private static final int TOP = 6;
    private static final int BOTTOM = 18;

    private SeriesPlot() {
    }

    /** A spike as the plot finds it among the points: by time and value (a time cell may repeat). */
    static String key(String timestamp, double value) {
        return timestamp + '\u0000' + value;
    }

    /** Appends the plot of {@code points} (oldest first), circling those whose {@link #key} is in {@code spikeTimes}. */
    static void draw(StringBuilder h, String label, List<BandPoint> all, Set<String> spikeTimes) {
        List<BandPoint> points = all.stream().filter(p -> Double.isFinite(p.value())).toList();
        h.append("<svg class=\"series-plot\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"")
                .append(StatusPage.esc(label)).append("\">");
        if (!points.isEmpty()) {
            Scale s = Scale.of(points);
            band(h, points, s);
            line(h, points, s, spikeTimes);
            axes(h, points, s);
        }
        h.append("</svg>");
    }

    /** Where points go: x by time (or by index), y from the values, widened to the band within reason. */
    private record Scale(double[] x, double min, double max) {
        static Scale of(List<BandPoint> points) {
            int n = points.size();
            double[] t = new double[n];
            boolean timed = n > 1;
            for (int i = 0; i < n; i++) {
                t[i] = SeriesTime.epochSeconds(points.get(i).timestamp());
                timed &= Double.isFinite(t[i]) && (i == 0 || t[i] >= t[i - 1]);
            }
            timed &= n > 1 && t[n - 1] > t[0];
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                double share = n == 1 ? 0.5 : timed ? (t[i] - t[0]) / (t[n - 1] - t[0]) : i / (double) (n - 1);
                x[i] = LEFT + (W - LEFT - RIGHT) * share;
            }
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            for (BandPoint p : points) {
                lo = Math.min(lo, p.value());
                hi = Math.max(hi, p.value());
            }
            // halves throughout: the span of values near ±1e308 would overflow to infinity
            double halfSpan = hi > lo ? hi / 2 - lo / 2 : Math.max(0.5, Math.abs(hi) * 0.05);
            // the band may widen the view, by at most half the values' span each way: a wide band of the
            // first points must not flatten the line
            double bandLo = lo;
            double bandHi = hi;
            for (BandPoint p : points) {
                if (p.lower() != null && p.upper() != null) {
                    bandLo = Math.min(bandLo, p.lower());
                    bandHi = Math.max(bandHi, p.upper());
                }
            }
            double min = Math.max(bandLo, lo - halfSpan);
            double max = Math.min(bandHi, hi + halfSpan);
            if (!(max > min) || !Double.isFinite(max / 2 - min / 2)) {
                min = Math.max(-Double.MAX_VALUE, lo - halfSpan);
                max = Math.min(Double.MAX_VALUE, hi + halfSpan);
            }
            return new Scale(x, min, max);
        }

        double y(double v) {
            double clipped = Math.max(min, Math.min(max, v));
            double share = (max / 2 - clipped / 2) / (max / 2 - min / 2);
            return TOP + (H - TOP - BOTTOM) * (Double.isFinite(share) ? Math.max(0, Math.min(1, share)) : 0.5);
        }
    }

    /** The band as filled runs of consecutive points the detector judged. */
    private static void band(StringBuilder h, List<BandPoint> points, Scale s) {
        StringBuilder d = new StringBuilder();
        int i = 0;
        while (i < points.size()) {
            if (points.get(i).lower() == null) {
                i++;
                continue;
            }
            int end = i;
            while (end + 1 < points.size() && points.get(end + 1).lower() != null) {
                end++;
            }
            for (int k = i; k <= end; k++) {
                d.append(k == i ? "M" : "L").append(fmt(s.x()[k])).append(',').append(fmt(s.y(points.get(k).upper())));
            }
            for (int k = end; k >= i; k--) {
                d.append('L').append(fmt(s.x()[k])).append(',').append(fmt(s.y(points.get(k).lower())));
            }
            d.append('Z');
            i = end + 1;
        }
        if (!d.isEmpty()) {
            h.append("<path class=\"band\" d=\"").append(d).append("\" fill=\"#dce6f6\" stroke=\"none\"><title>expected "
                    + "band: outside it a point is an outlier</title></path>");
        }
    }

    private static void line(StringBuilder h, List<BandPoint> points, Scale s, Set<String> spikeTimes) {
        StringBuilder marks = new StringBuilder();
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            BandPoint p = points.get(i);
            double x = s.x()[i];
            double y = s.y(p.value());
            d.append(i == 0 ? "M" : "L").append(fmt(x)).append(',').append(fmt(y));
            if (spikeTimes.contains(key(p.timestamp(), p.value()))) {
                marks.append("<circle class=\"spike\" cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y))
                        .append("\" r=\"4\" fill=\"none\" stroke=\"#c0262d\" stroke-width=\"2\"><title>spike ")
                        .append(StatusPage.esc(p.timestamp())).append(": ").append(p.value()).append("</title></circle>");
            }
        }
        if (points.size() == 1) {
            BandPoint p = points.get(0);
            h.append("<circle class=\"point\" cx=\"").append(fmt(s.x()[0])).append("\" cy=\"").append(fmt(s.y(p.value())))
                    .append("\" r=\"3\" fill=\"#2864c7\"><title>").append(StatusPage.esc(p.timestamp())).append(": ")
                    .append(p.value()).append("</title></circle>");
        } else {
            h.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"#2864c7\" stroke-width=\"1.3\"/>");
        }
        h.append(marks);
    }

    /** The value axis (highest and lowest value shown) and the time axis (first and last time). */
    private static void axes(StringBuilder h, List<BandPoint> points, Scale s) {
        int bottom = H - BOTTOM;
        h.append("<g class=\"axes\" stroke=\"#888\" stroke-width=\"1\"><line x1=\"").append(LEFT).append("\" y1=\"")
                .append(TOP).append("\" x2=\"").append(LEFT).append("\" y2=\"").append(bottom).append("\"/><line x1=\"")
                .append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"").append(W - RIGHT).append("\" y2=\"")
                .append(bottom).append("\"/></g>");
        h.append("<g class=\"labels\" font-size=\"9\" fill=\"#444\">");
        h.append("<text class=\"value-axis\" x=\"").append(LEFT - 3).append("\" y=\"").append(TOP + 8)
                .append("\" text-anchor=\"end\">").append(StatusPage.esc(number(s.max()))).append("</text>");
        h.append("<text class=\"value-axis\" x=\"").append(LEFT - 3).append("\" y=\"").append(bottom)
                .append("\" text-anchor=\"end\">").append(StatusPage.esc(number(s.min()))).append("</text>");
        String first = points.get(0).timestamp();
        String last = points.get(points.size() - 1).timestamp();
        h.append("<text class=\"time-axis\" x=\"").append(LEFT).append("\" y=\"").append(H - 4)
                .append("\" text-anchor=\"start\">").append(StatusPage.esc(time(first))).append("</text>");
        if (points.size() > 1) {
            h.append("<text class=\"time-axis\" x=\"").append(W - RIGHT).append("\" y=\"").append(H - 4)
                    .append("\" text-anchor=\"end\">").append(StatusPage.esc(time(last))).append("</text>");
        }
        h.append("</g>");
    }

    /** A label's value: four significant digits, without trailing zeros. */
    static String number(double v) {
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains("e")) {
            return s;
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** A time label: the cell as written, to the minute ({@code 2026-03-01T00:05:00Z} as {@code 2026-03-01 00:05}), at most 24 characters. */
    static String time(String cell) {
        String t = cell.length() >= 16 && cell.charAt(10) == 'T' ? cell.substring(0, 10) + " " + cell.substring(11, 16) : cell;
        return t.length() > 24 ? t.substring(0, 24) : t;
    }

    /** A plot coordinate to one decimal; not String.format, which costs more than the rest of a plot. */
    static String fmt(double v) {
        long tenths = Math.round(v * 10);
        return (tenths < 0 ? "-" : "") + Math.abs(tenths / 10) + "." + Math.abs(tenths % 10);
    }
}

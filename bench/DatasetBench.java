import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.maomao.collector.RunPolicy;
import org.maomao.dataset.GitDatasets;
import org.maomao.run.DatasetWriter;
import org.maomao.spike.DetectorState;
import org.maomao.spike.SpikeDetector;
import org.maomao.spike.SpikeParameters;

/**
 * maomao's dataset benchmark (issue: "Datasets and spike detection people can rely on"),
 * run by bench/run-datasets:
 *  (a) detector throughput on a 10-million-point series, single thread, with the
 *      default parameters, against a naive detector that recomputes mean and standard
 *      deviation over its window for every point, in the same run;
 *  (b) ingest+commit time of one run as a dataset grows: the 10th run against the
 *      10,000th (each a median over ten neighbouring runs).
 */
public class DatasetBench {
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.maomao"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int points = Integer.parseInt(System.getProperty("points", "10000000"));
        int runs = Integer.parseInt(System.getProperty("runs", "10000"));
        detector(points);
        if (runs > 0) { // -Druns=0: the detector figures only
            commits(runs);
        }
    }

    static double[] series(int n) {
        Random rnd = new Random(42);
        double[] v = new double[n];
        double level = 100;
        for (int i = 0; i < n; i++) {
            level += rnd.nextGaussian() * 0.1;
            v[i] = level + rnd.nextGaussian() + (rnd.nextInt(5000) == 0 ? 20 : 0);
        }
        return v;
    }

    static void detector(int n) {
        double[] v = series(n);
        SpikeParameters p = SpikeParameters.fromMap(java.util.Map.of("season", "none", "method", "zscore"));
        SpikeDetector d = new SpikeDetector(p);
        // plain z-score with the shipped window (12h on 5-minute points: 144 points), no season
        timed("zscore, season none (lag " + p.lag() + " of 5-minute points)", d, v, false, 20_000_000);
        // the same with a daily season removed, timestamps given
        SpikeDetector seasonal = new SpikeDetector(SpikeParameters.fromMap(java.util.Map.of("season", "daily",
                "method", "zscore")));
        timed("zscore + daily season (288 phases), timestamps", seasonal, v, true, 5_000_000);
        // the shipped defaults: likelihood over the z-scores, lag 12h, season auto (none found in this series)
        SpikeDetector shipped = new SpikeDetector(SpikeParameters.defaults());
        timed("defaults (" + shipped.parameters().method().configName() + ", season auto), timestamps", shipped, v,
                true, 5_000_000);
        // the likelihood with a daily season removed
        SpikeDetector likelihood = new SpikeDetector(SpikeParameters.fromMap(java.util.Map.of("season", "daily",
                "method", "likelihood")));
        timed("likelihood + daily season (288 phases), timestamps", likelihood, v, true, 5_000_000);
        // state size after a year of 5-minute data
        for (SpikeDetector det : new SpikeDetector[] {d, seasonal, shipped, likelihood}) {
            DetectorState s = det.newState();
            int year = 365 * 288;
            for (int i = 0; i < year; i++) {
                det.update(s, 1.7e9 + i * 300.0, v[i]);
            }
            System.out.printf("  state after a year of 5-minute points (%s, season %s): %,d values, %,d bytes encoded%n",
                    det.parameters().method().configName(), det.parameters().season(), s.storedValues(),
                    s.encode().length());
        }
        int naiveN = Math.min(n, 1_000_000);
        long t0 = System.nanoTime();
        int lag = 72;
        long naiveSpikes = naive(v, naiveN, lag, p.threshold(), p.influence());
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("  naive recomputation %.2f s for %,d points  %,.0f points/s  (%d spikes, no cool-down)%n",
                secs, naiveN, naiveN / secs, naiveSpikes);
    }

    static void timed(String what, SpikeDetector d, double[] v, boolean withTime, double target) {
        int n = v.length;
        for (int round = 0; round < 3; round++) { // the first two rounds warm the JIT up
            DetectorState s = d.newState();
            long spikes = 0;
            long t0 = System.nanoTime();
            if (withTime) {
                for (int i = 0; i < n; i++) {
                    spikes += Math.abs(d.update(s, 1.7e9 + i * 300.0, v[i]).signal());
                }
            } else {
                for (double x : v) {
                    spikes += Math.abs(d.update(s, x).signal());
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (round == 2) {
                System.out.printf("detector %s, %,d points, one thread:%n", what, n);
                System.out.printf("  %.2f s  %,.0f points/s  (%d spikes)  (target >= %,.0f)%n", secs, n / secs, spikes,
                        target);
            }
        }
    }

    /** The textbook smoothed z-score: mean and deviation recomputed over the window for every point. */
    static long naive(double[] v, int n, int lag, double threshold, double influence) {
        double[] filtered = new double[n];
        long spikes = 0;
        for (int i = 0; i < n; i++) {
            if (i < lag) {
                filtered[i] = v[i];
                continue;
            }
            double sum = 0;
            for (int k = i - lag; k < i; k++) {
                sum += filtered[k];
            }
            double mean = sum / lag;
            double sq = 0;
            for (int k = i - lag; k < i; k++) {
                sq += (filtered[k] - mean) * (filtered[k] - mean);
            }
            double sd = Math.sqrt(sq / lag);
            if (Math.abs(v[i] - mean) > threshold * sd) {
                spikes++;
                filtered[i] = influence * v[i] + (1 - influence) * filtered[i - 1];
            } else {
                filtered[i] = v[i];
            }
        }
        return spikes;
    }

    static void commits(int runs) throws Exception {
        Path root = Files.createTempDirectory("maomao-commit-bench");
        GitDatasets datasets = new GitDatasets(root.resolve("datasets"), "bench", "bench@localhost", false);
        Path out = Files.createDirectories(root.resolve("out"));
        List<Double> ms = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Files.writeString(out.resolve("rows.csv"), "timestamp,value\n" + i + "," + (i % 17) + "\n");
            long t0 = System.nanoTime();
            datasets.ingest(new DatasetWriter.IngestRequest("grow", "bench", out, RunPolicy.OutputMode.APPEND,
                    "run-" + i, 1, "bench:1", "sha256:" + "0".repeat(64)));
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        double tenth = median(ms.subList(5, 15));
        double last = median(ms.subList(runs - 10, runs));
        System.out.printf("ingest+commit as a dataset grows (%,d runs, one row each):%n", runs);
        System.out.printf("  10th run       %.2f ms (median of runs 6-15)%n", tenth);
        System.out.printf("  %,dth run  %.2f ms (median of the last 10)%n", runs, last);
        System.out.printf("  ratio          %.2f  (target <= 2)%n", last / tenth);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}

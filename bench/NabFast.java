// NAB scoring of the detector's 0/±1 output, in-process (the same rules as ../shared/tools/nab_score.py, which
// needs minutes per setting in Python): for each line of a grid file, runs the detector over the NAB dev files
// and prints one JSON line per setting with, per file, the raw NAB terms from which bench/nab_select.py
// forms any subset's score (categories, leave-one-category-out, leave-one-file-out):
//   java -cp target/classes:target/maomao.jar bench/NabFast.java GRID_FILE > scores.jsonl
//   python3 bench/nab_select.py scores.jsonl
// Per file: fp = sum of the false positives' sigmoid weights (times fp_weight in a profile), tp = sum of the
// caught windows' sigmoid weights, caught and windows counts.
import com.fasterxml.jackson.databind.*;
import java.nio.file.*;
import java.util.*;
import org.maomao.spike.*;

public class NabFast {
  static double sig(double pos) { return pos > 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * pos)) - 1.0; }

  public static void main(String[] a) throws Exception {
    Path root = Path.of(System.getProperty("nab", "/work/shared/data/nab-dev"));
    JsonNode labels = new ObjectMapper().readTree(root.resolve("labels.json").toFile());
    List<String> names = new ArrayList<>();
    labels.fieldNames().forEachRemaining(names::add);
    Collections.sort(names);
    Map<String, double[]> times = new HashMap<>(), values = new HashMap<>();
    Map<String, int[][]> spans = new HashMap<>();
    for (String n : names) {
      List<String> lines = Files.readAllLines(root.resolve(n));
      int m = lines.size() - 1;
      double[] t = new double[m], v = new double[m];
      Map<Double, Integer> index = new HashMap<>();
      for (int i = 0; i < m; i++) {
        String[] r = lines.get(i + 1).split(",");
        t[i] = SeriesTime.epochSeconds(r[0]);
        v[i] = Double.parseDouble(r[1]);
        index.put(t[i], i);
      }
      times.put(n, t); values.put(n, v);
      List<int[]> s = new ArrayList<>();
      for (JsonNode w : labels.get(n)) {
        Integer x = index.get(SeriesTime.epochSeconds(w.get(0).asText().replace(".000000", "")));
        Integer y = index.get(SeriesTime.epochSeconds(w.get(1).asText().replace(".000000", "")));
        if (x == null || y == null) throw new IllegalStateException(n + ": window not on a row " + w);
        s.add(new int[] {x, y});
      }
      s.sort(Comparator.comparingInt(p -> p[0]));
      spans.put(n, s.toArray(new int[0][]));
    }
    double maxTp = sig(-1.0);
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(Path.of(a[0]))) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Map<String, String> m = new HashMap<>();
      for (String kv : line.trim().split("\\s+")) { String[] p = kv.split("=", 2); m.put(p[0], p[1]); }
      SpikeDetector d = new SpikeDetector(SpikeParameters.fromMap(m));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("cfg", line.trim());
      Map<String, Object> files = new LinkedHashMap<>();
      for (String n : names) {
        double[] t = times.get(n), v = values.get(n);
        int[][] w = spans.get(n);
        DetectorState s = d.newState();
        int probation = (int) Math.min(Math.floor(0.15 * t.length), 750.0);
        double fp = 0; double[] best = new double[w.length]; Arrays.fill(best, Double.NaN);
        int k = 0; int cur = -1; int prevEnd = -1; double prevWidth = 0; int spikes = 0;
        for (int i = 0; i < t.length; i++) {
          int sig = d.update(s, t[i], v[i]).signal();
          if (cur < 0 && k < w.length && i == w[k][0]) { cur = k; k++; }
          if (sig != 0 && i >= probation) {
            spikes++;
            if (cur >= 0) {
              double width = w[cur][1] - w[cur][0] + 1;
              double sw = sig(-(w[cur][1] - i + 1) / width) / maxTp;
              if (Double.isNaN(best[cur]) || sw > best[cur]) best[cur] = sw;
            } else {
              fp += prevEnd < 0 ? -1.0 : sig(Math.abs(prevEnd - i) / (prevWidth - 1));
            }
          }
          if (cur >= 0 && i == w[cur][1]) { prevEnd = i; prevWidth = w[cur][1] - w[cur][0] + 1; cur = -1; }
        }
        double tp = 0; int caught = 0;
        for (double b : best) if (!Double.isNaN(b)) { tp += b; caught++; }
        files.put(n, List.of(Math.round(fp * 1e6) / 1e6, Math.round(tp * 1e6) / 1e6, caught, w.length, spikes));
      }
      out.put("files", files);
      System.out.println(json.writeValueAsString(out));
      System.out.flush();
    }
  }
}

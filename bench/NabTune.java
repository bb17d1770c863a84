// Runs the detector with each line of settings of a grid file over the NAB dev files and writes
// RESULTS_DIR/<line number>/<category>/<file>.csv for bench/nab_loco.py:
//   java -cp target/maomao.jar bench/NabTune.java /tmp/nab-out bench/nab-grid.txt
//   python3 bench/nab_loco.py /tmp/nab-out bench/nab-grid.txt [method=zscore|method=likelihood]
import java.nio.file.*; import java.util.*; import org.maomao.spike.*;
public class NabTune {
  public static void main(String[] a) throws Exception {
    Path root = Path.of("/work/shared/data/nab-dev"); Path outRoot = Path.of(a[0]);
    List<String> configs = Files.readAllLines(Path.of(a[1]));
    List<Path> files = new ArrayList<>();
    try (var w = Files.walk(root)) { w.filter(p -> p.toString().endsWith(".csv")).forEach(files::add); }
    Map<Path, List<String[]>> data = new HashMap<>();
    for (Path f : files) { List<String[]> rows = new ArrayList<>(); for (String l : Files.readAllLines(f).subList(1, Files.readAllLines(f).size())) rows.add(l.split(",")); data.put(f, rows); }
    for (int i = 0; i < configs.size(); i++) {
      Map<String,String> m = new HashMap<>();
      for (String kv : configs.get(i).trim().split("\\s+")) { if (kv.isEmpty()) continue; String[] p = kv.split("="); m.put(p[0], p[1]); }
      SpikeDetector d = new SpikeDetector(SpikeParameters.fromMap(m));
      for (Path f : files) {
        Path out = outRoot.resolve(Integer.toString(i)).resolve(root.relativize(f));
        Files.createDirectories(out.getParent());
        StringBuilder sb = new StringBuilder("timestamp,spike\n");
        DetectorState s = d.newState();
        for (String[] r : data.get(f)) {
          Detection det = d.update(s, SeriesTime.epochSeconds(r[0]), Double.parseDouble(r[1]));
          sb.append(r[0]).append(',').append(Math.abs(det.signal())).append('\n');
        }
        Files.writeString(out, sb);
      }
    }
  }
}

package io.promeshard.bench.footprint;

import io.promeshard.bench.report.Stats;
import io.promeshard.bench.report.Table;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The native-memory breakdown of the footprint rows as one markdown table: a line per NMT category
 * (committed MiB; categories under 0.1 MiB in every row are summed as "other"), then the total,
 * classes, threads and the resident set measured at the same moment. One column per footprint row,
 * in order; rows that failed or ran without tracking are left out.
 */
final class NativeMemoryTable {
  private static final long SMALL_KB = 102;

  private NativeMemoryTable() {}

  static String render(String title, List<FootprintBench.Row> rows) {
    List<FootprintBench.Row> measured =
        rows.stream().filter(r -> r.nativeMemory() != null).toList();
    if (measured.isEmpty()) {
      return "";
    }
    List<String> header = new ArrayList<>();
    header.add("MiB committed at idle");
    for (FootprintBench.Row r : measured) {
      header.add("row " + (rows.indexOf(r) + 1));
    }
    Table t = new Table(title, header.toArray(String[]::new));
    Set<String> categories = new LinkedHashSet<>();
    measured.forEach(r -> categories.addAll(r.nativeMemory().committedKb().keySet()));
    List<String> small = new ArrayList<>();
    for (String c : categories) {
      if (measured.stream().allMatch(r -> committed(r, c) < SMALL_KB)) {
        small.add(c);
        continue;
      }
      t.row(cells(c, measured, r -> mib(committed(r, c))));
    }
    t.row(
        cells(
            "other (" + small.size() + " categories)",
            measured,
            r -> mib(small.stream().mapToLong(c -> committed(r, c)).sum())));
    t.row(cells("**total committed**", measured, r -> mib(r.nativeMemory().totalCommittedKb())));
    t.row(cells("classes loaded", measured, r -> Stats.n(r.nativeMemory().classes())));
    t.row(cells("threads", measured, r -> Stats.n(r.nativeMemory().threads())));
    t.row(
        cells(
            "VmRSS: anon / file",
            measured,
            r -> mib(r.idleAnonKb()) + " / " + mib(r.idleFileKb())));
    return t.render()
        + "\nNMT = `jcmd <pid> VM.native_memory summary` at the end of the idle window; row N is the"
        + " N-th row of the footprint table above. Committed is not resident (untouched stack pages"
        + " count as committed, file-backed CDS pages as resident file pages), and tracking costs"
        + " its own ~2 MiB (the \"Native Memory Tracking\" line).\n";
  }

  private interface Cell {
    String of(FootprintBench.Row row);
  }

  private static Object[] cells(String label, List<FootprintBench.Row> rows, Cell cell) {
    List<String> cells = new ArrayList<>();
    cells.add(label);
    rows.forEach(r -> cells.add(cell.of(r)));
    return cells.toArray();
  }

  private static long committed(FootprintBench.Row r, String category) {
    return Objects.requireNonNullElse(r.nativeMemory().committedKb().get(category), 0L);
  }

  private static String mib(long kb) {
    return Stats.f(kb / 1024.0, 1);
  }
}

package io.promeshard.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The timings the scenarios measured (event to end state), printed as each is taken and as one
 * table at the end. Reported, never asserted.
 */
final class Figures {
  private record Row(String scenario, String measure, String value) {}

  private final List<Row> rows = new ArrayList<>();

  /** Records and prints {@code measure} of {@code scenario}. */
  void time(String scenario, String measure, Duration took) {
    add(scenario, measure, seconds(took));
  }

  /** Records and prints a count or other non-time figure. */
  void note(String scenario, String measure, String value) {
    add(scenario, measure, value);
  }

  private synchronized void add(String scenario, String measure, String value) {
    rows.add(new Row(scenario, measure, value));
    System.out.println("[scenario] " + scenario + ": " + measure + ": " + value);
    System.out.flush();
  }

  /** The table of every figure, in the order taken. */
  synchronized String table(String title) {
    int s = "scenario".length();
    int m = "measure".length();
    for (Row r : rows) {
      s = Math.max(s, r.scenario().length());
      m = Math.max(m, r.measure().length());
    }
    String format = "%-" + s + "s  %-" + m + "s  %s%n";
    StringBuilder out = new StringBuilder(title).append(System.lineSeparator());
    out.append(String.format(Locale.ROOT, format, "scenario", "measure", "value"));
    for (Row r : rows) {
      out.append(String.format(Locale.ROOT, format, r.scenario(), r.measure(), r.value()));
    }
    return out.toString();
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}

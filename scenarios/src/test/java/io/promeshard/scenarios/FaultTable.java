package io.promeshard.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * The fault suite's one table: each fault test adds one row (the fault, targets scraped by nobody
 * at the end, targets scraped by more than {@code replicas}, partial or invalid output files a
 * reader saw during the fault, time to converge). Rows are printed as taken and appended to {@code
 * target/faults.md} (started afresh by each test run), which README and BENCHMARKS.md quote.
 * Reported here; each test asserts its own bounds.
 */
final class FaultTable {
  static final Path FILE = Path.of("target", "faults.md");
  static final String HEADER =
      """
      | fault | targets lost | targets doubled | partial/invalid files seen | converged in |
      |---|---:|---:|---:|---:|
      """;

  /** One fault's outcome. {@code converged} null means it did not converge. */
  record Row(String fault, int lost, int doubled, int badFiles, Duration converged) {
    String markdown() {
      return String.format(
          Locale.ROOT,
          "| %s | %d | %d | %d | %s |%n",
          fault,
          lost,
          doubled,
          badFiles,
          converged == null ? "did not converge" : Figures.seconds(converged));
    }
  }

  /** Whether this test run has written {@link #FILE} yet: a run starts it afresh. */
  private static boolean started;

  private FaultTable() {}

  /** Prints {@code row} and appends it to {@link #FILE} (creating it with its header). */
  static synchronized void add(Row row) {
    System.out.println("[fault] " + row.markdown().strip());
    System.out.flush();
    try {
      Files.createDirectories(FILE.getParent());
      if (!started || !Files.exists(FILE)) {
        Files.writeString(FILE, HEADER, StandardCharsets.UTF_8);
        started = true;
      }
      Files.writeString(FILE, row.markdown(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("appending to " + FILE, e);
    }
  }
}

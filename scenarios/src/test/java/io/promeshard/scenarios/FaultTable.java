package io.promeshard.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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

  /** The test run {@link #FILE} belongs to: one {@code mvn} run, whatever its forks. */
  static final Path RUN = Path.of("target", "faults.run");

  private FaultTable() {}

  /**
   * Prints {@code row} and appends it to {@link #FILE}, which a new test run (system property
   * {@code scenarios.run}, set by the build) starts afresh with its header. Test classes run in
   * several forks: a file lock keeps their rows whole and the file started once.
   */
  static synchronized void add(Row row) {
    System.out.println("[fault] " + row.markdown().strip());
    System.out.flush();
    String run = System.getProperty("scenarios.run", "pid " + ProcessHandle.current().pid());
    try {
      Files.createDirectories(FILE.getParent());
      try (FileChannel lock =
          FileChannel.open(
              FILE.resolveSibling("faults.lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE)) {
        FileLock held = lock.lock();
        try {
          boolean ours =
              Files.exists(FILE)
                  && Files.exists(RUN)
                  && Files.readString(RUN, StandardCharsets.UTF_8).equals(run);
          if (!ours) {
            Files.writeString(FILE, HEADER, StandardCharsets.UTF_8);
            Files.writeString(RUN, run, StandardCharsets.UTF_8);
          }
          Files.writeString(
              FILE, row.markdown(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } finally {
          held.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("appending to " + FILE, e);
    }
  }
}

package io.promeshard.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where a fault test keeps its processes' logs: {@code target/fault-logs/<name>}, emptied first.
 */
final class FaultLogs {
  private FaultLogs() {}

  static Path fresh(String name) {
    return emptied(Paths.get("target", "fault-logs", name).toAbsolutePath());
  }

  /** {@code dir} with everything under it deleted (it need not exist). */
  static Path emptied(Path dir) {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("emptying " + dir, e);
      }
    }
    return dir;
  }
}

package io.promeshard.agent.apply;

import io.promeshard.agent.render.OutputKind;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import java.nio.file.Path;

/**
 * Builds output file paths from job and group names. The name must pass {@link Names} and the
 * resulting path must be a direct child of its directory; otherwise an ApplyException names the
 * directory and the bad name (a second line of defence behind protocol validation).
 */
final class SafePaths {
  private SafePaths() {}

  /**
   * {@code <dir>/<name>.json} for targets, {@code <dir>/<name>.yml} for rules and scrape configs.
   */
  static Path file(Path dir, OutputKind kind, String name) throws ApplyException {
    Path base = dir.toAbsolutePath().normalize();
    try {
      Names.require(kind.owner(), name);
    } catch (ProtocolException e) {
      throw new ApplyException(base + ": refusing to build a file name: " + e.getMessage(), e);
    }
    return inside(base, name + kind.extension());
  }

  /** {@code <dir>/<fileName>}, refused unless it is a direct child of {@code dir}. */
  static Path inside(Path dir, String fileName) throws ApplyException {
    Path base = dir.toAbsolutePath().normalize();
    Path p;
    try {
      p = base.resolve(fileName).normalize();
    } catch (RuntimeException e) {
      throw new ApplyException(
          base + ": invalid file name \"" + fileName + "\": " + e.getMessage(), e);
    }
    if (!base.equals(p.getParent()) || !p.getFileName().toString().equals(fileName)) {
      throw new ApplyException(
          base + ": file name \"" + fileName + "\" would leave the directory (" + p + ")");
    }
    return p;
  }
}

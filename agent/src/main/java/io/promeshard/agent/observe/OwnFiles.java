package io.promeshard.agent.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Recognizes the agent's own output files in the paths Prometheus reports ({@code __meta_filepath}
 * of a target, {@code file} of a rule group): {@code <dir>/<name><extension>}, the directory
 * compared as a normalized absolute path, or else as the same file on disk (Prometheus may read it
 * through a symlink). Paths Prometheus reports relative to its own working directory, or under a
 * different mount, are not recognized. One instance per poll: it caches the directories it has
 * compared, and a directory that cannot be read counts as foreign.
 */
final class OwnFiles {
  private final Path dir;
  private final String extension;
  private final Map<String, Boolean> dirs = new HashMap<>();

  OwnFiles(Path dir, String extension) {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    this.extension = Objects.requireNonNull(extension, "extension");
  }

  /** The job or group whose file {@code reported} is, or null when it is not one of ours. */
  String nameOf(String reported) {
    if (reported == null || !reported.endsWith(extension)) {
      return null;
    }
    Path p;
    try {
      p = Path.of(reported);
    } catch (InvalidPathException e) {
      return null;
    }
    Path parent = p.getParent();
    if (!p.isAbsolute() || parent == null || p.getFileName() == null) {
      return null;
    }
    String file = p.getFileName().toString();
    if (file.length() == extension.length()) {
      return null;
    }
    return ours(parent) ? file.substring(0, file.length() - extension.length()) : null;
  }

  /** The path of {@code name}'s file as the agent writes it. */
  Path file(String name) {
    return dir.resolve(name + extension);
  }

  private boolean ours(Path parent) {
    return dirs.computeIfAbsent(parent.toString(), k -> same(parent));
  }

  private boolean same(Path parent) {
    Path normalized = parent.normalize();
    if (normalized.equals(dir)) {
      return true;
    }
    try {
      return Files.isSameFile(normalized, dir);
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}

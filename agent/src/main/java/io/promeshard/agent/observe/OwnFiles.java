package io.promeshard.agent.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Recognizes the agent's own output files in the paths Prometheus reports ({@code __meta_filepath}
 * of a target, {@code file} of a rule group): {@code <dir>/<name><extension>} in any of its
 * directories (targets are in file_sd_dir, or in scrape_config_dir for jobs with their own scrape
 * settings), the directory compared as a normalized absolute path, or else as the same file on disk
 * (Prometheus may read it through a symlink). Paths Prometheus reports relative to its own working
 * directory, or under a different mount, are not recognized. One instance per poll: it caches the
 * directories it has compared, and a directory that cannot be read counts as foreign.
 */
final class OwnFiles {
  private final List<Path> dirs;
  private final String extension;
  private final Map<String, Boolean> seen = new HashMap<>();

  OwnFiles(Path dir, String extension) {
    this(List.of(dir), extension);
  }

  /** Files in any of {@code dirs}; the first is where {@link #file} looks first. */
  OwnFiles(List<Path> dirs, String extension) {
    this.dirs =
        dirs.stream()
            .map(d -> Objects.requireNonNull(d, "dir").toAbsolutePath().normalize())
            .toList();
    if (this.dirs.isEmpty()) {
      throw new IllegalArgumentException("own files: no directory");
    }
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

  /** The path of {@code name}'s file as the agent writes it: the first directory holding one. */
  Path file(String name) {
    for (Path dir : dirs) {
      if (Files.exists(dir.resolve(name + extension))) {
        return dir.resolve(name + extension);
      }
    }
    return dirs.get(0).resolve(name + extension);
  }

  private boolean ours(Path parent) {
    return seen.computeIfAbsent(
        parent.toString(), k -> dirs.stream().anyMatch(dir -> same(parent, dir)));
  }

  private static boolean same(Path parent, Path dir) {
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

package io.promeshard.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systemd unit file parsed into section → key → values (a repeated key keeps every value);
 * unreadable files throw UncheckedIOException.
 */
final class UnitFile {
  private final Path path;
  private final Map<String, Map<String, List<String>>> sections;

  private UnitFile(Path path, Map<String, Map<String, List<String>>> sections) {
    this.path = path;
    this.sections = sections;
  }

  static UnitFile parse(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading unit " + path, e);
    }
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    Map<String, List<String>> current = null;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current =
            sections.computeIfAbsent(
                line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (current == null || eq < 1) {
        throw new AssertionError(path + ": not a unit file line: " + raw);
      }
      current
          .computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
          .add(line.substring(eq + 1).strip());
    }
    return new UnitFile(path, sections);
  }

  /**
   * The effective (last) value of {@code key}, or AssertionError naming the unit when it is not
   * set.
   */
  String value(String section, String key) {
    List<String> v = values(section, key);
    if (v.isEmpty()) {
      throw new AssertionError(path + ": [" + section + "] " + key + "= is not set");
    }
    return v.get(v.size() - 1);
  }

  List<String> values(String section, String key) {
    return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
  }

  boolean has(String section, String key) {
    return !values(section, key).isEmpty();
  }

  @Override
  public String toString() {
    return path.toString();
  }
}

package io.promeshard.bench.fleet;

import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Synthetic scrape targets: addresses {@code 10.a.b.c:9100} with a few realistic labels, as target
 * groups or written as file_sd JSON files. Write failures throw UncheckedIOException naming the
 * folder.
 */
public final class Targets {
  private static final int GROUP_SIZE = 10;

  private Targets() {}

  public static String address(int i) {
    return "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255) + ":9100";
  }

  /** {@code count} groups of one target each, labels env, rack and team. */
  public static List<TargetGroup> groups(int count) {
    List<TargetGroup> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(
          TargetGroup.of(
              address(i),
              Map.of("env", "prod", "rack", "r" + (i % 40), "team", "team-" + (i % 12))));
    }
    return out;
  }

  /**
   * {@code targets} targets in {@code files} files, groups of 10 addresses sharing env/rack/team
   * labels.
   */
  public static void writeFileSd(Path dir, int targets, int files) {
    try {
      Files.createDirectories(dir);
      int perFile = (targets + files - 1) / files;
      for (int f = 0; f < files; f++) {
        StringBuilder sb = new StringBuilder("[\n");
        int from = f * perFile;
        int to = Math.min(targets, from + perFile);
        for (int g = from; g < to; g += GROUP_SIZE) {
          sb.append(g == from ? "" : ",\n").append("  {\"targets\": [");
          for (int i = g; i < Math.min(to, g + GROUP_SIZE); i++) {
            sb.append(i == g ? "" : ", ").append('"').append(address(i)).append('"');
          }
          int group = g / GROUP_SIZE;
          sb.append("], \"labels\": {\"env\": \"prod\", \"rack\": \"r")
              .append(group % 40)
              .append("\", \"team\": \"team-")
              .append(group % 12)
              .append("\"}}");
        }
        Files.writeString(
            dir.resolve(String.format("targets-%03d.json", f)),
            sb.append("\n]\n"),
            StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing file_sd files in " + dir, e);
    }
  }
}

package io.promeshard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options a packaged launcher script starts its jar with (the options between {@code exec
 * "$java"} and {@code $JAVA_OPTS} in {@code packaging/src/main/bin/<name>}), so tests run a process
 * exactly as installed. A script without them is an IllegalStateException naming the file.
 */
public final class LauncherOptions {
  /**
   * An option the launcher passes only where the runtime supports it ({@code ${var:+-XX:...}}):
   * taken as passed, since tests run on a current runtime.
   */
  private static final Pattern CONDITIONAL = Pattern.compile("\\$\\{\\w+:\\+(-\\S+)}");

  private LauncherOptions() {}

  /** The options of {@code packaging/src/main/bin/<name>} in this project. */
  public static List<String> of(String name) {
    return read(Binaries.projectRoot().resolve("packaging/src/main/bin").resolve(name));
  }

  /**
   * The JVM options a launcher {@code script} passes: the tokens between {@code exec "$java"} and
   * {@code $JAVA_OPTS}, conditional ones ({@code ${var:+-XX:...}}) included.
   */
  public static List<String> read(Path script) {
    List<String> lines = lines(script);
    List<String> options = new ArrayList<>();
    boolean inExec = false;
    for (String line : lines) {
      String l = line.strip();
      if (!inExec) {
        inExec = l.startsWith("exec \"$java\"");
        continue;
      }
      for (String token : l.split("\\s+", -1)) {
        if (token.equals("$JAVA_OPTS")) {
          if (options.isEmpty()) {
            break;
          }
          return List.copyOf(options);
        }
        if (token.startsWith("-")) {
          options.add(token);
        }
        Matcher conditional = CONDITIONAL.matcher(token);
        if (conditional.matches()) {
          options.add(conditional.group(1));
        }
      }
    }
    throw new IllegalStateException(
        script + ": no JVM options between 'exec \"$java\"' and '$JAVA_OPTS'");
  }

  /**
   * True when a launcher {@code script} keeps a class-data archive: its service's first start
   * writes one as it stops ({@code -XX:ArchiveClassesAtExit}) and later starts map it. Those
   * options depend on the state directory, so {@link #read} leaves them out and a benchmark adds
   * them.
   */
  public static boolean writesClassArchive(Path script) {
    return lines(script).stream().anyMatch(l -> l.contains("-XX:ArchiveClassesAtExit="));
  }

  /**
   * The variables a launcher {@code script} exports to the JVM with a literal value ({@code export
   * NAME=value} lines, e.g. {@code MALLOC_ARENA_MAX=2}), in order; empty when there are none.
   */
  public static Map<String, String> environment(Path script) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : lines(script)) {
      String l = line.strip();
      if (l.startsWith("export ") && l.indexOf('=') > 0) {
        String assignment = l.substring("export ".length()).strip();
        int eq = assignment.indexOf('=');
        env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
      }
    }
    return env;
  }

  private static List<String> lines(Path script) {
    try {
      return Files.readAllLines(script);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the launcher " + script, e);
    }
  }
}

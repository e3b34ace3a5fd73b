package io.promeshard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options a packaged launcher script starts its jar with (the options between {@code exec
 * "$java"} and {@code $JAVA_OPTS} in {@code packaging/src/main/bin/<name>}), so tests run a process
 * exactly as installed. A script without them is an AssertionError naming the file.
 */
public final class LauncherOptions {
  private LauncherOptions() {}

  /** The options of {@code packaging/src/main/bin/<name>} in this project. */
  public static List<String> of(String name) {
    Path script = Binaries.projectRoot().resolve("packaging/src/main/bin").resolve(name);
    List<String> lines;
    try {
      lines = Files.readAllLines(script);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the launcher " + script, e);
    }
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
      }
    }
    throw new AssertionError(script + ": no JVM options between 'exec \"$java\"' and '$JAVA_OPTS'");
  }
}

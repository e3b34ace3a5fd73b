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
 * exactly as installed. A script without them is an IllegalStateException naming the file.
 */
public final class LauncherOptions {
  private LauncherOptions() {}

  /** The options of {@code packaging/src/main/bin/<name>} in this project. */
  public static List<String> of(String name) {
    return read(Binaries.projectRoot().resolve("packaging/src/main/bin").resolve(name));
  }

  /**
   * The JVM options a launcher {@code script} passes: the tokens between {@code exec "$java"} and
   * {@code $JAVA_OPTS}.
   */
  public static List<String> read(Path script) {
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
    throw new IllegalStateException(
        script + ": no JVM options between 'exec \"$java\"' and '$JAVA_OPTS'");
  }
}

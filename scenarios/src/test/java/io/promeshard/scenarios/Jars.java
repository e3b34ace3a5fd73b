package io.promeshard.scenarios;

import io.promeshard.testkit.Binaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The shaded agent and coordinator jars the build leaves in the sibling modules, copied aside so a
 * rebuild while the scenarios run cannot swap classes under a running process; builds the command
 * lines that run them. A missing jar is an AssertionError that says how to build it.
 */
record Jars(Path agent, Path coordinator) {

  /** Copies both jars into {@code dir}. */
  static Jars copiedTo(Path dir) {
    try {
      Files.createDirectories(dir);
      return new Jars(
          copy(built("agent", "prome-shard-agent.jar"), dir),
          copy(built("coordinator", "prome-shard-coordinator.jar"), dir));
    } catch (IOException e) {
      throw new UncheckedIOException("copying the jars to " + dir, e);
    }
  }

  /**
   * {@code java -jar <jar> <args>} with a small heap, as the scenarios run several JVMs side by
   * side.
   */
  static List<String> command(Path jar, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Path copy(Path jar, Path dir) throws IOException {
    return Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
  }

  private static Path built(String module, String name) {
    Path root = Binaries.projectRoot();
    if (root == null) {
      throw new AssertionError(
          "project root not found (no scripts/fetch-deps above "
              + Paths.get("").toAbsolutePath()
              + ")");
    }
    Path jar = root.resolve(module).resolve("target").resolve(name);
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          jar
              + " missing: build it with `mvn -B package -DskipTests -pl "
              + module
              + " -am` "
              + "(mvn verify from the root builds it before the scenarios)");
    }
    return jar;
  }
}

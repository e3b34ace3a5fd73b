package io.promeshard.bench.footprint;

import io.promeshard.testkit.LauncherOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the agent subprocess is started: the JVM options of the package's launcher script (read from
 * {@code packaging/src/main/bin/prome-shard-agent}, the lines between {@code exec "$java"} and
 * {@code $JAVA_OPTS}), then either {@code -jar <shaded jar>} or a class path and main class. A
 * launcher whose options cannot be found throws IllegalStateException naming the file.
 */
public record AgentCommand(String java, List<String> jvmOptions, List<String> launch) {
  public static final String MAIN_CLASS = "io.promeshard.agent.cli.AgentMain";

  public AgentCommand {
    jvmOptions = List.copyOf(jvmOptions);
    launch = List.copyOf(launch);
  }

  public static AgentCommand jar(Path launcherScript, Path agentJar) {
    if (!Files.isRegularFile(agentJar)) {
      throw new IllegalStateException(
          "agent jar "
              + agentJar
              + " not found: build it with mvn -o -q -pl agent -am package -DskipTests");
    }
    return new AgentCommand(
        javaBinary(), launcherOptions(launcherScript), List.of("-jar", agentJar.toString()));
  }

  public static AgentCommand classPath(Path launcherScript, String classPath) {
    return new AgentCommand(
        javaBinary(), launcherOptions(launcherScript), List.of("-cp", classPath, MAIN_CLASS));
  }

  /** The same launch with other JVM options. */
  public AgentCommand withJvmOptions(List<String> options) {
    return new AgentCommand(java, options, launch);
  }

  /** The full command line for {@code args} (e.g. {@code run --config F}). */
  public List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.addAll(launch);
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  static List<String> launcherOptions(Path script) {
    return LauncherOptions.read(script);
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}

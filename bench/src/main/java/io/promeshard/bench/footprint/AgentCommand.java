package io.promeshard.bench.footprint;

import io.promeshard.testkit.LauncherOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the agent subprocess is started: the environment the package's launcher script exports and
 * its JVM options (read from {@code packaging/src/main/bin/prome-shard-agent}, the lines between
 * {@code exec "$java"} and {@code $JAVA_OPTS}), then either {@code -jar <shaded jar>} or a class
 * path and main class. A launcher whose options cannot be found throws IllegalStateException naming
 * the file. {@code classArchive} says that the launcher keeps a class-data archive (see {@link
 * LauncherOptions#writesClassArchive}) and this launch can use one.
 */
public record AgentCommand(
    String java,
    Map<String, String> environment,
    List<String> jvmOptions,
    List<String> launch,
    boolean classArchive) {
  public static final String MAIN_CLASS = "io.promeshard.agent.cli.AgentMain";

  /**
   * Keeps the runtime's class-data sharing messages out of the agent's log, as the launcher does.
   */
  private static final List<String> QUIET_CDS = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

  public AgentCommand {
    environment = Map.copyOf(environment);
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
        javaBinary(),
        LauncherOptions.environment(launcherScript),
        LauncherOptions.read(launcherScript),
        List.of("-jar", agentJar.toString()),
        LauncherOptions.writesClassArchive(launcherScript));
  }

  public static AgentCommand classPath(Path launcherScript, String classPath) {
    return new AgentCommand(
        javaBinary(),
        LauncherOptions.environment(launcherScript),
        LauncherOptions.read(launcherScript),
        List.of("-cp", classPath, MAIN_CLASS),
        false);
  }

  /**
   * The same launch with other settings, written like a shell command's prefix: {@code NAME=value}
   * words set environment variables (instead of the launcher's), the rest are JVM options.
   */
  public AgentCommand with(List<String> settings) {
    Map<String, String> env = new LinkedHashMap<>();
    List<String> options = new ArrayList<>();
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (!s.startsWith("-") && eq > 0) {
        env.put(s.substring(0, eq), s.substring(eq + 1));
      } else {
        options.add(s);
      }
    }
    return new AgentCommand(java, env, options, launch, false);
  }

  /** The same launch with {@code option} added after the others. */
  public AgentCommand plus(String option) {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add(option);
    return new AgentCommand(java, environment, options, launch, classArchive);
  }

  /**
   * The launch of the installed service's first start, which writes the classes it loaded to {@code
   * archive} as it stops (only a jar launch can: class-data sharing takes no directories).
   */
  public AgentCommand writingClassArchive(Path archive) {
    return withArchiveOption("-XX:ArchiveClassesAtExit=" + archive);
  }

  /** The same launch mapping {@code archive}, as the installed service does. */
  public AgentCommand readingClassArchive(Path archive) {
    return withArchiveOption("-XX:SharedArchiveFile=" + archive);
  }

  private AgentCommand withArchiveOption(String option) {
    List<String> options = new ArrayList<>(jvmOptions);
    options.addAll(QUIET_CDS);
    options.add(option);
    return new AgentCommand(java, environment, options, launch, false);
  }

  /** Environment and JVM options as one would type them before {@code java}'s arguments. */
  public String settings() {
    List<String> words = new ArrayList<>();
    environment.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> words.add(e.getKey() + "=" + e.getValue()));
    words.addAll(jvmOptions);
    return String.join(" ", words);
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

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}

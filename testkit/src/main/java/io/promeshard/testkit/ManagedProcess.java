package io.promeshard.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child process whose stdout and stderr go to a log file; stopped with SIGTERM then SIGKILL after
 * a deadline, and destroyed by a JVM shutdown hook if the test never stops it. Start failures throw
 * UncheckedIOException naming the command.
 */
public final class ManagedProcess implements Closeable {
  private static final long STOP_DEADLINE_MILLIS = 10_000;

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Thread shutdownHook;

  private ManagedProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.shutdownHook = new Thread(process::destroyForcibly, "testkit-kill-" + name);
  }

  /** Starts {@code command} with extra {@code env}, appending its output to {@code logFile}. */
  public static ManagedProcess start(
      String name, List<String> command, Map<String, String> env, Path logFile) {
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Files.writeString(
          logFile,
          "### " + String.join(" ", command) + System.lineSeparator(),
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putAll(env);
      ManagedProcess p = new ManagedProcess(name, pb.start(), logFile);
      Runtime.getRuntime().addShutdownHook(p.shutdownHook);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + name + ": " + String.join(" ", command), e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits up to {@code timeout} for the process to exit by itself and returns its exit code; one
   * still running then is an AssertionError naming it.
   */
  public int awaitExit(Duration timeout) {
    if (!waitFor(timeout.toMillis())) {
      throw new AssertionError(name + " still running after " + timeout + "; log " + logFile);
    }
    removeHook();
    return process.exitValue();
  }

  /** SIGTERM, wait up to 10 s, then SIGKILL; returns once the process is gone. */
  public void stop() {
    if (process.isAlive()) {
      process.destroy();
      if (!waitFor(STOP_DEADLINE_MILLIS)) {
        process.destroyForcibly();
        waitFor(STOP_DEADLINE_MILLIS);
      }
    }
    removeHook();
  }

  /** SIGKILL; returns once the process is gone. */
  public void kill() {
    process.destroyForcibly();
    waitFor(STOP_DEADLINE_MILLIS);
    removeHook();
  }

  /** The last {@code lines} lines of the log file (empty when it cannot be read). */
  public String logTail(int lines) {
    return tail(logFile, lines);
  }

  @Override
  public void close() {
    stop();
  }

  /** The last {@code lines} lines of {@code file}, or a note when it cannot be read. */
  public static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(no log at " + file + ")";
    }
    Deque<String> last = new ArrayDeque<>();
    try (Stream<String> s = Files.lines(file, StandardCharsets.ISO_8859_1)) {
      s.forEach(
          l -> {
            last.addLast(l);
            if (last.size() > lines) {
              last.removeFirst();
            }
          });
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
    return String.join(System.lineSeparator(), last);
  }

  private boolean waitFor(long millis) {
    try {
      return process.waitFor(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // the JVM is already shutting down; the hook runs anyway
    }
  }

  @Override
  public String toString() {
    return name + "[pid " + process.pid() + "]";
  }
}

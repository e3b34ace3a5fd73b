package io.promeshard.packaging;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion with a deadline; a command that cannot start or overruns throws
 * AssertionError.
 */
final class Exec {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Exit code and captured output of one command. */
  record Result(List<String> command, int exit, String stdout, String stderr) {
    Result {
      command = List.copyOf(command);
    }

    /**
     * This result, or AssertionError with the command and its output when the exit code is not 0.
     */
    Result ok() {
      if (exit != 0) {
        throw new AssertionError(this.toString());
      }
      return this;
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " -> exit "
          + exit
          + "\n--- stdout\n"
          + stdout
          + "--- stderr\n"
          + stderr;
    }
  }

  private Exec() {}

  static Result run(String... command) {
    return run(List.of(command), Map.of(), DEFAULT_TIMEOUT);
  }

  static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + String.join(" ", command) + ": " + e, e);
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + ": still running after " + timeout);
      }
      return new Result(command, p.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new AssertionError("interrupted running " + String.join(" ", command), e);
    } catch (ExecutionException e) {
      throw new AssertionError("reading output of " + String.join(" ", command), e.getCause());
    }
  }

  /** Whether {@code program} is an executable on PATH. */
  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (!dir.isEmpty() && new File(dir, program).canExecute()) {
        return true;
      }
    }
    return false;
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.promeshard.agent.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command that vets a staged file before it is installed, e.g. {@code promtool check rules {}}
 * ({@code {}} becomes the staged file's path; without it the path is appended). It runs with a
 * timeout and is killed, with its children, when it overruns; a non-zero exit or a timeout throws
 * an ApplyException carrying the command's output.
 */
public record CheckCommand(List<String> argv, Duration timeout) {
  public static final String PLACEHOLDER = "{}";
  private static final int MAX_OUTPUT = 8 * 1024;

  public CheckCommand {
    if (argv == null || argv.isEmpty() || argv.get(0).isBlank()) {
      throw new IllegalArgumentException("rule_check_command: expected a command, found " + argv);
    }
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(
          "rule_check_timeout: expected a positive duration, found " + timeout);
    }
    argv = List.copyOf(argv);
  }

  /** Splits {@code command} on whitespace (no shell, no quoting). */
  public static CheckCommand parse(String command, Duration timeout) {
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException(
          "rule_check_command: expected a command, found \"" + command + "\"");
    }
    return new CheckCommand(List.of(command.strip().split("\\s+")), timeout);
  }

  /** Runs the command on {@code file}; returns its output when it exits 0. */
  public String check(Path file) throws ApplyException {
    List<String> cmd = commandFor(file);
    Path out = null;
    try {
      out = Files.createTempFile("prome-shard-check-", ".out");
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
        throw new ApplyException(
            "check command timed out after "
                + timeout.toMillis()
                + " ms and was killed: "
                + String.join(" ", cmd)
                + output(out));
      }
      if (p.exitValue() != 0) {
        throw new ApplyException(
            "check command exited " + p.exitValue() + ": " + String.join(" ", cmd) + output(out));
      }
      return readOutput(out);
    } catch (IOException e) {
      throw new ApplyException("check command " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApplyException("check command interrupted: " + String.join(" ", cmd), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover file in the system temp dir is harmless
        }
      }
    }
  }

  List<String> commandFor(Path file) {
    String path = file.toAbsolutePath().toString();
    List<String> cmd = new ArrayList<>(argv.size() + 1);
    boolean placed = false;
    for (String arg : argv) {
      placed |= arg.contains(PLACEHOLDER);
      cmd.add(arg.replace(PLACEHOLDER, path));
    }
    if (!placed) {
      cmd.add(path);
    }
    return cmd;
  }

  private static void kill(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor(5, TimeUnit.SECONDS);
  }

  private static String output(Path out) {
    String text = readOutput(out).strip();
    return text.isEmpty() ? " (no output)" : "; output:\n" + text;
  }

  private static String readOutput(Path out) {
    try {
      byte[] b = Files.readAllBytes(out);
      String s = new String(b, 0, Math.min(b.length, MAX_OUTPUT), StandardCharsets.UTF_8);
      return b.length > MAX_OUTPUT ? s + "\n[output truncated]" : s;
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}

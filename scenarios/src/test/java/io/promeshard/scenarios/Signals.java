package io.promeshard.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Real signals to a process by pid ({@code kill -STOP}, {@code kill -CONT}). */
final class Signals {
  private Signals() {}

  /** Sends {@code signal} (e.g. {@code STOP}) to {@code pid}; AssertionError when kill fails. */
  static void send(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kill -" + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: kill -" + signal + " " + pid, e);
    }
  }
}

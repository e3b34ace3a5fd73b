package io.promeshard.scenarios;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** Prints the tail of every process log of the fleet when a test fails. */
final class LogsOnFailure implements TestWatcher {
  private final Supplier<Fleet> fleet;

  /** {@code fleet} may supply null (not started yet): then nothing is printed. */
  LogsOnFailure(Supplier<Fleet> fleet) {
    this.fleet = fleet;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Fleet f = fleet.get();
    if (f != null) {
      System.out.println(
          "===== " + context.getDisplayName() + " failed; process logs:\n" + f.logTails(60));
    }
  }
}

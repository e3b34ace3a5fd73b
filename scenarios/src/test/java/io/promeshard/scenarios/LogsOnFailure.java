package io.promeshard.scenarios;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the tail of every process log of the test's fleet when a test fails:
 * {@code @RegisterExtension final LogsOnFailure logs = new LogsOnFailure(() -> fleet);}. Nothing
 * when the fleet was not started.
 */
final class LogsOnFailure implements TestWatcher {
  private static final int LINES = 60;

  private final Supplier<Fleet> fleet;

  LogsOnFailure(Supplier<Fleet> fleet) {
    this.fleet = fleet;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Fleet f = fleet.get();
    if (f != null) {
      System.out.println(
          "===== " + context.getDisplayName() + " failed; process logs:\n" + f.logTails(LINES));
    }
  }
}

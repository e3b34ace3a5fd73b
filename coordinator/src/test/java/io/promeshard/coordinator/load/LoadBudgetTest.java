package io.promeshard.coordinator.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promeshard.coordinator.config.Settings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoadBudgetTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void movesCountForOneHourThenFreeTheBudgetAgain() {
    LoadBudget b = LoadBudget.empty().spend(T0, 30).spend(T0.plusSeconds(1800), 15);
    assertEquals(5, b.remaining(T0.plusSeconds(1800), 50));
    assertEquals(5, b.remaining(T0.plusSeconds(3599), 50));
    assertEquals(35, b.remaining(T0.plusSeconds(3600), 50)); // the first 30 left the window
    assertEquals(50, b.remaining(T0.plusSeconds(5400), 50));
    assertEquals(0, b.remaining(T0.plusSeconds(1800), 40));
  }

  @Test
  void spendingForgetsWhatLeftTheWindow() {
    LoadBudget b = LoadBudget.empty().spend(T0, 30).spend(T0.plusSeconds(4000), 1);
    assertEquals(1, b.spent(T0.plusSeconds(4000)));
    assertEquals(1, b.spent(T0)); // the old entry is gone, not just outside the window
  }

  @Test
  void theDefaultIsOnePercentOfTheTargetsAndAtLeastFifty() {
    assertEquals(50, Settings.DEFAULTS.loadMovesPerHour(200));
    assertEquals(1000, Settings.DEFAULTS.loadMovesPerHour(100_000));
  }

  @Test
  void negativeFiguresAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LoadBudget.empty().spend(T0, -1));
    assertThrows(IllegalArgumentException.class, () -> LoadBudget.empty().remaining(T0, -1));
  }
}

package io.promeshard.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

/**
 * The hardening and lifecycle every prome-shard unit must have; a missing key fails with the unit's
 * path.
 */
final class Units {
  /**
   * systemd-analyze security rates up to this "OK"; the units reach about 1.7, a dropped key shows.
   */
  static final double MAX_EXPOSURE = 2.0;

  private Units() {}

  static void assertHardened(UnitFile unit) {
    assertEquals("prome-shard", unit.value("Service", "User"), unit::toString);
    assertEquals("prome-shard", unit.value("Service", "Group"), unit::toString);
    assertEquals("yes", unit.value("Service", "NoNewPrivileges"), unit::toString);
    assertEquals("strict", unit.value("Service", "ProtectSystem"), unit::toString);
    assertEquals("yes", unit.value("Service", "ProtectHome"), unit::toString);
    assertEquals("yes", unit.value("Service", "PrivateTmp"), unit::toString);
    assertEquals("", unit.value("Service", "CapabilityBoundingSet"), unit::toString);
    assertEquals("on-failure", unit.value("Service", "Restart"), unit::toString);
    assertEquals("SIGTERM", unit.value("Service", "KillSignal"), unit::toString);
    assertEquals("30s", unit.value("Service", "TimeoutStopSec"), unit::toString);
    assertEquals("143", unit.value("Service", "SuccessExitStatus"), unit::toString);
    assertEquals("multi-user.target", unit.value("Install", "WantedBy"), unit::toString);
  }

  /**
   * {@code systemd-analyze verify} is clean and the security exposure stays at most {@link
   * #MAX_EXPOSURE}.
   */
  static void assertVerifiedBySystemd(Path unit) {
    if (!SystemdAnalyze.available()) {
      return; // the issue asks for systemd-analyze "where available"; assertHardened still ran
    }
    SystemdAnalyze.verify(unit);
    double exposure = SystemdAnalyze.exposure(unit);
    assertTrue(
        exposure <= MAX_EXPOSURE,
        unit + ": systemd-analyze security exposure " + exposure + " > " + MAX_EXPOSURE);
  }
}

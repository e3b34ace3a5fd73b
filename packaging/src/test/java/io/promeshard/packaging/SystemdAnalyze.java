package io.promeshard.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of an installed unit with {@code systemd-analyze}, which works without a running systemd;
 * failures are AssertionErrors with its output.
 */
final class SystemdAnalyze {
  private static final Pattern EXPOSURE =
      Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)");

  private SystemdAnalyze() {}

  static boolean available() {
    return Exec.onPath("systemd-analyze");
  }

  /**
   * {@code systemd-analyze verify}: exit 0 and no complaint at all (unknown keys, missing binaries,
   * bad values).
   */
  static void verify(Path unit) {
    Exec.Result r = Exec.run("systemd-analyze", "verify", unit.toString());
    assertEquals(0, r.exit(), r::toString);
    assertEquals(
        "",
        r.stderr().strip() + r.stdout().strip(),
        () -> "systemd-analyze verify complained:\n" + r);
  }

  /**
   * The overall exposure score of {@code systemd-analyze security --offline=yes} (0 = fully locked
   * down, 10 = none).
   */
  static double exposure(Path unit) {
    Exec.Result r = Exec.run("systemd-analyze", "security", "--offline=yes", unit.toString()).ok();
    Matcher m = EXPOSURE.matcher(r.stdout() + r.stderr());
    if (!m.find()) {
      throw new AssertionError("no exposure level in:\n" + r);
    }
    return Double.parseDouble(m.group(1));
  }
}

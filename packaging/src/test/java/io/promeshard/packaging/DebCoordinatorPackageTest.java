package io.promeshard.packaging;

import static io.promeshard.packaging.Installed.assertGone;
import static io.promeshard.packaging.Installed.assertOwnedBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The coordinator .deb installed with dpkg on this machine, alone and next to the agent. */
class DebCoordinatorPackageTest {
  @RegisterExtension static final DpkgGuard GUARD = new DpkgGuard();

  private static final String NAME = BuiltPackages.COORDINATOR;
  private static final Path LAUNCHER = Paths.get("/usr/bin/prome-shard-coordinator");
  private static final Path JAR = Paths.get("/usr/share/prome-shard/prome-shard-coordinator.jar");
  private static final Path UNIT =
      Paths.get("/usr/lib/systemd/system/prome-shard-coordinator.service");
  private static final Path CONFIG = Paths.get("/etc/prome-shard/coordinator.yml");
  private static final Path TOKEN = Paths.get("/etc/prome-shard/coordinator.token");
  private static final Path DEFAULTS = Paths.get("/etc/default/prome-shard-coordinator");
  private static final Path ALERTS =
      Paths.get("/usr/share/prome-shard/prometheus/prome-shard-alerts.yml");
  private static final Path DASHBOARD =
      Paths.get("/usr/share/prome-shard/grafana/prome-shard.json");

  @Test
  void installedCoordinatorRunsAndKeepsItsTokenSecret() {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();
    assertEquals(Dpkg.INSTALLED, Dpkg.status(NAME));

    String expected = NAME + " " + BuiltPackages.projectVersion();
    assertEquals(expected, Exec.run(LAUNCHER.toString(), "--version").ok().stdout().strip());
    assertEquals(
        expected,
        Exec.run("runuser", "-u", DpkgGuard.USER, "--", LAUNCHER.toString(), "--version")
            .ok()
            .stdout()
            .strip());
    String help = Exec.run(LAUNCHER.toString(), "--help").ok().stdout();
    assertTrue(help.startsWith("Usage: " + NAME), help);

    assertOwnedBy(LAUNCHER, "root", "root", "rwxr-xr-x");
    assertOwnedBy(TOKEN, "root", DpkgGuard.USER, "rw-r-----");
    assertOwnedBy(CONFIG, "root", "root", "rw-r--r--");
    assertArrayEquals(Installed.bytes(BuiltPackages.jar(NAME)), Installed.bytes(JAR));
    assertEquals(
        List.of(
            DEFAULTS.toString(),
            "/etc/default/prome-shard-records-import",
            TOKEN.toString(),
            CONFIG.toString()),
        Dpkg.conffiles(NAME));
    assertOwnedBy(ALERTS, "root", "root", "rw-r--r--");
    assertArrayEquals(Installed.bytes(BuiltPackages.alertingRules()), Installed.bytes(ALERTS));
    assertOwnedBy(DASHBOARD, "root", "root", "rw-r--r--");
    assertArrayEquals(Installed.bytes(BuiltPackages.dashboard()), Installed.bytes(DASHBOARD));
    assertEquals(
        "default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser",
        Dpkg.field(BuiltPackages.deb(NAME), "Depends"));
    assertGone(Paths.get("/var/lib/prome-shard"));
  }

  @Test
  void installedUnitVerifiesIsHardenedAndMayWriteNothing() {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();

    UnitFile unit = UnitFile.parse(UNIT);
    assertEquals(LAUNCHER + " run --config " + CONFIG, unit.value("Service", "ExecStart"));
    assertEquals(List.of(), unit.values("Service", "ReadWritePaths"));
    Units.assertHardened(unit);
    Units.assertVerifiedBySystemd(UNIT);
  }

  @Test
  void removeKeepsConfigAndPurgeDeletesIt() {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();
    Installed.write(TOKEN, "coordinator-secret\n");

    Dpkg.remove(NAME).ok();
    assertEquals(Dpkg.CONFIG_FILES, Dpkg.status(NAME));
    assertGone(LAUNCHER);
    assertGone(JAR);
    assertGone(UNIT);
    assertGone(Paths.get("/usr/lib/systemd/system/prome-shard-records-import.timer"));
    assertGone(Paths.get("/usr/share/prome-shard/records-import.sh"));
    assertGone(ALERTS);
    assertGone(DASHBOARD);
    assertEquals("coordinator-secret\n", Installed.read(TOKEN));
    assertTrue(Files.isRegularFile(CONFIG), "config kept on remove");

    Dpkg.purge(NAME).ok();
    assertEquals(Dpkg.NOT_INSTALLED, Dpkg.status(NAME));
    assertGone(CONFIG);
    assertGone(TOKEN);
    assertGone(DEFAULTS);
    assertGone(Paths.get("/etc/default/prome-shard-records-import"));
    assertGone(Paths.get("/etc/prome-shard"));
  }

  @Test
  void bothPackagesInstallSideBySideAndPurgingOneKeepsTheOther() {
    Dpkg.install(BuiltPackages.deb(BuiltPackages.AGENT)).ok();
    Dpkg.install(BuiltPackages.deb(NAME)).ok();
    assertEquals(
        "prome-shard-agent " + BuiltPackages.projectVersion(),
        Exec.run("/usr/bin/prome-shard-agent", "--version").ok().stdout().strip());

    Dpkg.purge(NAME).ok();
    assertGone(CONFIG);
    assertGone(JAR);
    assertTrue(
        Files.isRegularFile(Paths.get("/etc/prome-shard/agent.yml")), "the agent's config stays");
    assertOwnedBy(Paths.get("/etc/prome-shard/agent.token"), "root", DpkgGuard.USER, "rw-r-----");
    assertEquals(
        "prome-shard-agent " + BuiltPackages.projectVersion(),
        Exec.run("/usr/bin/prome-shard-agent", "--version").ok().stdout().strip());

    Dpkg.purge(BuiltPackages.AGENT).ok();
    assertGone(Paths.get("/etc/prome-shard"));
    assertGone(Paths.get("/usr/share/prome-shard"));
  }
}

package io.promeshard.packaging;

import static io.promeshard.packaging.Installed.assertGone;
import static io.promeshard.packaging.Installed.assertOwnedBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent .deb installed with dpkg on this machine: launcher, files, unit, maintainer scripts,
 * upgrade, remove, purge.
 */
class DebAgentPackageTest {
  @RegisterExtension static final DpkgGuard GUARD = new DpkgGuard();

  private static final String NAME = BuiltPackages.AGENT;
  private static final Path LAUNCHER = Paths.get("/usr/bin/prome-shard-agent");
  private static final Path JAR = Paths.get("/usr/share/prome-shard/prome-shard-agent.jar");
  private static final Path UNIT = Paths.get("/usr/lib/systemd/system/prome-shard-agent.service");
  private static final Path CONFIG = Paths.get("/etc/prome-shard/agent.yml");
  private static final Path TOKEN = Paths.get("/etc/prome-shard/agent.token");
  private static final Path DEFAULTS = Paths.get("/etc/default/prome-shard-agent");
  private static final Path FILE_SD = Paths.get("/var/lib/prome-shard/file_sd");
  private static final Path RULES = Paths.get("/var/lib/prome-shard/rules");
  private static final Path TEMPLATES = Paths.get("/usr/share/prome-shard/templates");

  @Test
  void installedLauncherPrintsTheVersionForRootAndForTheServiceUser() {
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
    String check =
        Exec.run(
                "runuser",
                "-u",
                DpkgGuard.USER,
                "--",
                LAUNCHER.toString(),
                "check",
                "--config",
                "/etc/prome-shard/agent.yml")
            .ok()
            .stdout();
    assertTrue(check.startsWith("config ok"), check);
    String help = Exec.run(LAUNCHER.toString(), "--help").ok().stdout();
    assertTrue(help.startsWith("Usage: " + NAME), help);
  }

  @Test
  void installCreatesTheUserWhichOwnsOnlyTheOutputDirectoriesAndReadsTheToken() {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();

    String[] user =
        Exec.run("getent", "passwd", DpkgGuard.USER).ok().stdout().strip().split(":", -1);
    assertEquals("/var/lib/prome-shard", user[5]);
    assertEquals("/usr/sbin/nologin", user[6]);
    assertTrue(Integer.parseInt(user[2]) < 1000, "a system uid: " + user[2]);

    assertOwnedBy(LAUNCHER, "root", "root", "rwxr-xr-x");
    assertOwnedBy(JAR, "root", "root", "rw-r--r--");
    assertOwnedBy(FILE_SD, DpkgGuard.USER, DpkgGuard.USER, "rwxr-xr-x");
    assertOwnedBy(RULES, DpkgGuard.USER, DpkgGuard.USER, "rwxr-xr-x");
    assertOwnedBy(
        RULES.resolveSibling("scrape_configs"), DpkgGuard.USER, DpkgGuard.USER, "rwxr-xr-x");
    assertOwnedBy(FILE_SD.getParent(), "root", "root", "rwxr-xr-x");
    assertOwnedBy(CONFIG, "root", "root", "rw-r--r--");
    assertOwnedBy(TOKEN, "root", DpkgGuard.USER, "rw-r-----");
    assertOwnedBy(DEFAULTS, "root", "root", "rw-r--r--");
    assertArrayEquals(Installed.bytes(BuiltPackages.jar(NAME)), Installed.bytes(JAR));
    for (String template :
        List.of("file_sd.json.mustache", "rules.yml.mustache", "scrape_config.yml.mustache")) {
      assertArrayEquals(
          Installed.bytes(BuiltPackages.templatesDir().resolve(template)),
          Installed.bytes(TEMPLATES.resolve(template)),
          template);
    }
    String config = Installed.read(CONFIG);
    assertTrue(config.contains("\nfile_sd_dir: /var/lib/prome-shard/file_sd\n"), config);
    assertTrue(config.contains("\nrules_dir: /var/lib/prome-shard/rules\n"), config);
    assertTrue(
        config.contains("\nscrape_config_dir: /var/lib/prome-shard/scrape_configs\n"), config);
    assertTrue(config.contains("\ntemplates_dir: /usr/share/prome-shard/templates"), config);
    assertTrue(config.contains("\nreload_url: http://127.0.0.1:9090/-/reload\n"), config);

    assertEquals(
        List.of(DEFAULTS.toString(), TOKEN.toString(), CONFIG.toString()), Dpkg.conffiles(NAME));
    assertEquals(
        "default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser",
        Dpkg.field(BuiltPackages.deb(NAME), "Depends"));
    // Debian's preset policy enables units it does not list; nothing is started by the package
    assertEquals(
        "enabled", Exec.run("systemctl", "is-enabled", NAME + ".service").stdout().strip());
  }

  @Test
  void installedUnitVerifiesAndIsHardened() {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();

    UnitFile unit = UnitFile.parse(UNIT);
    assertEquals(LAUNCHER + " run --config " + CONFIG, unit.value("Service", "ExecStart"));
    assertEquals(List.of(FILE_SD + " " + RULES), unit.values("Service", "ReadWritePaths"));
    assertEquals("prome-shard/cds", unit.value("Service", "StateDirectory"));
    assertTrue(
        unit.value("Unit", "After").contains("prometheus.service"),
        "starts after a local Prometheus");
    Units.assertHardened(unit);
    Units.assertVerifiedBySystemd(UNIT);
  }

  @Test
  void launcherTakesJavaOptsAndJavaHomeFromEtcDefault() {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();

    Installed.write(DEFAULTS, "JAVA_OPTS=\"-XX:+PrintCommandLineFlags -Xmx96m\"\n");
    Exec.Result r = Exec.run(LAUNCHER.toString(), "--version").ok();
    String flags = r.stdout();
    assertTrue(
        flags.contains("-XX:MaxHeapSize=100663296"),
        "JAVA_OPTS -Xmx96m wins over the default -Xmx64m:\n" + r);
    assertTrue(
        flags.contains("-XX:+UseSerialGC")
            && flags.contains("-XX:TieredStopAtLevel=1")
            && flags.contains("-XX:+ExitOnOutOfMemoryError")
            && flags.contains("-XX:MaxNewSize=8388608")
            && flags.contains("-XX:MaxHeapFreeRatio=30"),
        "the small-footprint defaults stay:\n" + r);
    assertTrue(
        flags.contains("-XX:TrimNativeHeapInterval=5000"),
        "a runtime that accepts it trims the C heap:\n" + r);
    assertTrue(flags.strip().endsWith(NAME + " " + BuiltPackages.projectVersion()), r::toString);

    Installed.write(DEFAULTS, "JAVA_HOME=/nonexistent/jvm\n");
    Exec.Result missing = Exec.run(LAUNCHER.toString(), "--version");
    assertEquals(1, missing.exit(), missing::toString);
    assertTrue(
        missing.stderr().contains("/nonexistent/jvm/bin/java")
            && missing.stderr().contains("JAVA_HOME"),
        missing::toString);
  }

  @Test
  void launcherLeavesOutTheHeapTrimOnARuntimeThatRefusesIt(@TempDir Path runtime) throws Exception {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();
    Path java = runtime.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(
        java,
        """
        #!/bin/sh
        for a in "$@"; do
          case "$a" in -XX:TrimNativeHeapInterval=*) echo "Unrecognized VM option" >&2; exit 1;; esac
        done
        echo "$@"
        """);
    assertTrue(java.toFile().setExecutable(true));
    Installed.write(DEFAULTS, "JAVA_HOME=" + runtime + "\n");

    Exec.Result r = Exec.run(LAUNCHER.toString(), "--version").ok();
    assertTrue(
        r.stdout().contains("-XX:+UseSerialGC") && r.stdout().contains("-jar " + JAR),
        "the agent starts with the other defaults:\n" + r);
    assertFalse(r.stdout().contains("TrimNativeHeapInterval"), r::toString);
  }

  @Test
  void theServiceMapsAClassArchiveADryRunWroteAndDropsTornAndOlderOnes(@TempDir Path state)
      throws Exception {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();
    Installed.write(DEFAULTS, "JAVA_OPTS=-XX:+PrintCommandLineFlags\n");
    Map<String, String> service = Map.of("STATE_DIRECTORY", state.toString());

    // a config error: the dry run fails as the service does, and no archive is kept
    List<String> broken = List.of(LAUNCHER.toString(), "run", "--config", "/nonexistent/agent.yml");
    Exec.Result bad = Exec.run(broken, service, Exec.DEFAULT_TIMEOUT);
    assertEquals(2, bad.exit(), bad::toString);
    assertTrue(bad.stderr().contains("/nonexistent/agent.yml"), bad::toString);
    assertFalse(bad.stdout().contains("SharedArchiveFile"), bad::toString);
    assertEquals(List.of(), list(state));

    // the installed config, with no Consul on its address: the dry run gets as far as Consul
    List<String> once =
        List.of(LAUNCHER.toString(), "run", "--once", "--config", CONFIG.toString());
    Exec.Result first = Exec.run(once, service, Exec.DEFAULT_TIMEOUT);
    assertEquals(1, first.exit(), "Consul cannot be read:\n" + first);
    assertFalse(
        first.stderr().contains("cds"), "the runtime's archive messages stay out:\n" + first);
    List<Path> kept = list(state);
    assertEquals(1, kept.size(), kept::toString);
    Path archive = kept.get(0);
    assertTrue(archive.getFileName().toString().matches(NAME + "-\\d+\\.jsa"), kept::toString);
    assertTrue(first.stdout().contains("-XX:SharedArchiveFile=" + archive), first::toString);

    Exec.Result second = Exec.run(once, service, Exec.DEFAULT_TIMEOUT);
    assertTrue(second.stdout().contains("-XX:SharedArchiveFile=" + archive), second::toString);
    assertEquals(List.of(archive), list(state));

    // a dry run killed while writing leaves a torn archive, which would crash the runtime that maps
    // it: the next start deletes it and writes a whole one; an older version's archive goes too
    byte[] whole = Files.readAllBytes(archive);
    Files.delete(archive);
    Path torn = state.resolve(archive.getFileName() + ".1.tmp");
    Files.write(torn, Arrays.copyOf(whole, whole.length / 2));
    Path older = state.resolve(NAME + "-1.jsa");
    Files.write(older, whole);
    Exec.Result third = Exec.run(once, service, Exec.DEFAULT_TIMEOUT);
    assertEquals(1, third.exit(), third::toString);
    assertEquals(List.of(archive), list(state));
    assertTrue(third.stdout().contains("-XX:SharedArchiveFile=" + archive), third::toString);

    Installed.write(DEFAULTS, "JAVA_OPTS=-XX:+PrintCommandLineFlags\nCLASS_ARCHIVE=no\n");
    Exec.Result off = Exec.run(once, service, Exec.DEFAULT_TIMEOUT);
    assertFalse(off.stdout().contains("SharedArchiveFile"), "CLASS_ARCHIVE=no:\n" + off);
    Installed.write(DEFAULTS, "JAVA_OPTS=-XX:+PrintCommandLineFlags\n");
    Exec.Result manual = Exec.run(once, Map.of(), Exec.DEFAULT_TIMEOUT);
    assertFalse(manual.stdout().contains("SharedArchiveFile"), "only the service:\n" + manual);
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void removeKeepsConfigTokenAndRenderedFilesAndPurgeDeletesThem() throws IOException {
    Dpkg.install(BuiltPackages.deb(NAME)).ok();
    Installed.write(TOKEN, "agent-secret\n");
    Installed.write(FILE_SD.resolve("web.json"), "[]\n");
    // what systemd's StateDirectory= made and the service's class archive
    Path cds = Files.createDirectories(Paths.get("/var/lib/prome-shard/cds"));
    Installed.write(cds.resolve("prome-shard-agent-1.jsa"), "archive");

    Dpkg.remove(NAME).ok();
    assertEquals(Dpkg.CONFIG_FILES, Dpkg.status(NAME));
    assertGone(LAUNCHER);
    assertGone(JAR);
    assertGone(UNIT);
    assertGone(TEMPLATES);
    assertGone(Paths.get("/etc/systemd/system/multi-user.target.wants/prome-shard-agent.service"));
    assertEquals("agent-secret\n", Installed.read(TOKEN));
    assertTrue(Files.isRegularFile(CONFIG), "config kept on remove");
    assertTrue(Files.isRegularFile(FILE_SD.resolve("web.json")), "rendered files kept on remove");

    Dpkg.purge(NAME).ok();
    assertEquals(Dpkg.NOT_INSTALLED, Dpkg.status(NAME));
    assertGone(CONFIG);
    assertGone(TOKEN);
    assertGone(DEFAULTS);
    assertGone(Paths.get("/var/lib/prome-shard"));
    assertGone(Paths.get("/etc/prome-shard"));
    assertTrue(DpkgGuard.exists("passwd", DpkgGuard.USER), "the user stays after purge");
  }

  @Test
  void upgradeKeepsChangedConfigAndTheAdminsDisabledService(@TempDir Path dir) {
    Path next = DebRebuild.withVersionSuffix(BuiltPackages.deb(NAME), "+upgrade1", dir);
    Dpkg.install(BuiltPackages.deb(NAME)).ok();
    String changed = Installed.read(CONFIG) + "# changed by the admin\n";
    Installed.write(CONFIG, changed);
    Installed.write(TOKEN, "agent-secret\n");
    Exec.run(List.of("systemctl", "disable", NAME + ".service"), Map.of(), Duration.ofSeconds(30))
        .ok();

    Dpkg.install(next).ok();
    assertEquals(Dpkg.field(next, "Version"), Dpkg.installedVersion(NAME));
    assertEquals(changed, Installed.read(CONFIG));
    assertEquals("agent-secret\n", Installed.read(TOKEN));
    assertOwnedBy(TOKEN, "root", DpkgGuard.USER, "rw-r-----");
    assertEquals(
        "disabled", Exec.run("systemctl", "is-enabled", NAME + ".service").stdout().strip());
  }
}

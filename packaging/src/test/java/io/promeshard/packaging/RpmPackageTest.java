package io.promeshard.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.packaging.RpmPackage.Dependency;
import io.promeshard.packaging.RpmPackage.FileEntry;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The .rpm files read with a pure-Java parser (this Debian machine has no rpm tool; when {@code
 * rpm} is on PATH its {@code -qpi}/{@code -qpl} output is checked too): metadata, dependencies,
 * file list with owners, modes and %config(noreplace), payload bytes, scriptlets.
 */
class RpmPackageTest {
  private static final Path SRC =
      Paths.get(BuiltPackages.target().getParent().toString(), "src", "main");
  private static final int CONFIG_NOREPLACE = RpmPackage.FILE_CONFIG | RpmPackage.FILE_NOREPLACE;

  @Test
  void agentRpmDeclaresItsVersionJavaRuntimeAndUserCreationPrerequisite() {
    RpmPackage rpm = RpmPackage.read(BuiltPackages.rpm(BuiltPackages.AGENT));
    assertMetadata(rpm, BuiltPackages.AGENT);
  }

  @Test
  void coordinatorRpmDeclaresItsVersionJavaRuntimeAndUserCreationPrerequisite() {
    RpmPackage rpm = RpmPackage.read(BuiltPackages.rpm(BuiltPackages.COORDINATOR));
    assertMetadata(rpm, BuiltPackages.COORDINATOR);
  }

  @Test
  void agentRpmHoldsItsFilesWithOwnersModesAndConfigNoreplace() {
    RpmPackage rpm = RpmPackage.read(BuiltPackages.rpm(BuiltPackages.AGENT));
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "/usr/bin/prome-shard-agent",
                "/usr/share/prome-shard",
                "/usr/share/prome-shard/prome-shard-agent.jar",
                "/usr/share/prome-shard/templates",
                "/usr/share/prome-shard/templates/file_sd.json.mustache",
                "/usr/share/prome-shard/templates/rules.yml.mustache",
                "/usr/share/prome-shard/templates/scrape_config.yml.mustache",
                "/usr/lib/systemd/system/prome-shard-agent.service",
                "/etc/prome-shard",
                "/etc/prome-shard/agent.yml",
                "/etc/prome-shard/agent.token",
                "/etc/sysconfig/prome-shard-agent",
                "/var/lib/prome-shard",
                "/var/lib/prome-shard/file_sd",
                "/var/lib/prome-shard/rules",
                "/var/lib/prome-shard/scrape_configs"));
    expected.addAll(docs("prome-shard-agent"));
    assertEquals(expected, new TreeSet<>(rpm.files().keySet()));
    assertEquals(
        expected,
        new TreeSet<>(rpm.payloadSha256().keySet()),
        "payload holds what the header lists");

    assertFile(rpm, "/usr/bin/prome-shard-agent", "root", "root", 0755, 0);
    assertFile(rpm, "/etc/prome-shard/agent.yml", "root", "root", 0644, CONFIG_NOREPLACE);
    assertFile(rpm, "/etc/prome-shard/agent.token", "root", "prome-shard", 0640, CONFIG_NOREPLACE);
    assertFile(rpm, "/etc/sysconfig/prome-shard-agent", "root", "root", 0644, CONFIG_NOREPLACE);
    assertFile(rpm, "/var/lib/prome-shard", "root", "root", 0755, 0);
    assertFile(rpm, "/var/lib/prome-shard/file_sd", "prome-shard", "prome-shard", 0755, 0);
    assertFile(rpm, "/var/lib/prome-shard/rules", "prome-shard", "prome-shard", 0755, 0);
    assertFile(rpm, "/var/lib/prome-shard/scrape_configs", "prome-shard", "prome-shard", 0755, 0);
    assertFile(
        rpm,
        "/usr/share/doc/prome-shard-agent/README.md",
        "root",
        "root",
        0644,
        RpmPackage.FILE_DOC);
    assertTrue(rpm.files().get("/var/lib/prome-shard/file_sd").directory());

    assertPayload(
        rpm,
        "/usr/share/prome-shard/prome-shard-agent.jar",
        BuiltPackages.jar(BuiltPackages.AGENT));
    assertPayload(rpm, "/usr/bin/prome-shard-agent", SRC.resolve("bin/prome-shard-agent"));
    assertPayload(
        rpm,
        "/usr/lib/systemd/system/prome-shard-agent.service",
        SRC.resolve("systemd/prome-shard-agent.service"));
    assertPayload(rpm, "/etc/prome-shard/agent.yml", SRC.resolve("etc/prome-shard/agent.yml"));
    assertPayload(
        rpm, "/etc/sysconfig/prome-shard-agent", SRC.resolve("etc/default/prome-shard-agent"));
    assertPayload(
        rpm,
        "/usr/share/prome-shard/templates/file_sd.json.mustache",
        BuiltPackages.templatesDir().resolve("file_sd.json.mustache"));
    assertPayload(
        rpm,
        "/usr/share/prome-shard/templates/rules.yml.mustache",
        BuiltPackages.templatesDir().resolve("rules.yml.mustache"));
    assertPayload(
        rpm,
        "/usr/share/prome-shard/templates/scrape_config.yml.mustache",
        BuiltPackages.templatesDir().resolve("scrape_config.yml.mustache"));
    assertRpmToolAgrees(BuiltPackages.rpm(BuiltPackages.AGENT), rpm);
  }

  @Test
  void coordinatorRpmHoldsItsFilesWithOwnersModesAndConfigNoreplace() {
    RpmPackage rpm = RpmPackage.read(BuiltPackages.rpm(BuiltPackages.COORDINATOR));
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "/usr/bin/prome-shard-coordinator",
                "/usr/share/prome-shard",
                "/usr/share/prome-shard/prome-shard-coordinator.jar",
                "/usr/share/prome-shard/prometheus",
                "/usr/share/prome-shard/prometheus/prome-shard-alerts.yml",
                "/usr/share/prome-shard/grafana",
                "/usr/share/prome-shard/grafana/prome-shard.json",
                "/usr/lib/systemd/system/prome-shard-coordinator.service",
                "/usr/share/prome-shard/records-import.sh",
                "/usr/lib/systemd/system/prome-shard-records-import.service",
                "/usr/lib/systemd/system/prome-shard-records-import.timer",
                "/etc/prome-shard",
                "/etc/prome-shard/coordinator.yml",
                "/etc/prome-shard/coordinator.token",
                "/etc/sysconfig/prome-shard-coordinator",
                "/etc/sysconfig/prome-shard-records-import"));
    expected.addAll(docs("prome-shard-coordinator"));
    assertEquals(expected, new TreeSet<>(rpm.files().keySet()));
    assertEquals(
        expected,
        new TreeSet<>(rpm.payloadSha256().keySet()),
        "payload holds what the header lists");

    assertFile(rpm, "/usr/bin/prome-shard-coordinator", "root", "root", 0755, 0);
    assertFile(rpm, "/etc/prome-shard/coordinator.yml", "root", "root", 0644, CONFIG_NOREPLACE);
    assertFile(
        rpm, "/etc/prome-shard/coordinator.token", "root", "prome-shard", 0640, CONFIG_NOREPLACE);
    assertFile(
        rpm, "/etc/sysconfig/prome-shard-coordinator", "root", "root", 0644, CONFIG_NOREPLACE);
    assertFile(
        rpm, "/etc/sysconfig/prome-shard-records-import", "root", "root", 0644, CONFIG_NOREPLACE);
    assertFile(rpm, "/usr/share/prome-shard/records-import.sh", "root", "root", 0755, 0);
    assertPayload(
        rpm, "/usr/share/prome-shard/records-import.sh", SRC.resolve("bin/records-import.sh"));
    assertPayload(
        rpm,
        "/usr/lib/systemd/system/prome-shard-records-import.service",
        SRC.resolve("systemd/prome-shard-records-import.service"));
    assertPayload(
        rpm,
        "/usr/lib/systemd/system/prome-shard-records-import.timer",
        SRC.resolve("systemd/prome-shard-records-import.timer"));
    assertTrue(
        rpm.scripts().get("preun").contains("disable --now prome-shard-records-import.timer"),
        "an erase disables the batch import timer too: " + rpm.scripts().get("preun"));
    assertPayload(
        rpm,
        "/usr/share/prome-shard/prome-shard-coordinator.jar",
        BuiltPackages.jar(BuiltPackages.COORDINATOR));
    assertPayload(
        rpm,
        "/usr/lib/systemd/system/prome-shard-coordinator.service",
        SRC.resolve("systemd/prome-shard-coordinator.service"));
    assertFile(
        rpm, "/usr/share/prome-shard/prometheus/prome-shard-alerts.yml", "root", "root", 0644, 0);
    assertFile(rpm, "/usr/share/prome-shard/grafana/prome-shard.json", "root", "root", 0644, 0);
    assertPayload(
        rpm,
        "/usr/share/prome-shard/prometheus/prome-shard-alerts.yml",
        BuiltPackages.alertingRules());
    assertPayload(
        rpm, "/usr/share/prome-shard/grafana/prome-shard.json", BuiltPackages.dashboard());
    assertRpmToolAgrees(BuiltPackages.rpm(BuiltPackages.COORDINATOR), rpm);
  }

  @Test
  void scriptletsCreateTheUserPresetOnInstallStopOnEraseAndRestartOnUpgrade() {
    for (String name : List.of(BuiltPackages.AGENT, BuiltPackages.COORDINATOR)) {
      RpmPackage rpm = RpmPackage.read(BuiltPackages.rpm(name));
      String unit = name + ".service";
      assertEquals(
          Map.of("pre", "/bin/sh", "post", "/bin/sh", "preun", "/bin/sh", "postun", "/bin/sh"),
          rpm.scriptPrograms());
      Map<String, String> s = rpm.scripts();
      assertTrue(
          s.get("pre").contains("groupadd -r prome-shard")
              && s.get("pre").contains("useradd -r -g prome-shard"),
          s.get("pre"));
      assertTrue(
          s.get("post").contains("[ \"$1\" -eq 1 ]") && s.get("post").contains("preset " + unit),
          s.get("post"));
      assertTrue(
          s.get("preun").contains("[ \"$1\" -eq 0 ]")
              && s.get("preun").contains("disable --now " + unit),
          s.get("preun"));
      assertTrue(
          s.get("postun").contains("[ \"$1\" -ge 1 ]")
              && s.get("postun").contains("try-restart " + unit),
          s.get("postun"));
      if (name.equals(BuiltPackages.AGENT)) {
        assertTrue(
            s.get("postun").contains("[ \"$1\" -eq 0 ]")
                && s.get("postun").contains("rm -rf /var/lib/prome-shard/cds"),
            "an erase deletes the agent's class archive:\n" + s.get("postun"));
      }
      for (Map.Entry<String, String> script : s.entrySet()) {
        Exec.Result syntax =
            Exec.run(
                List.of("sh", "-n", "-c", script.getValue()), Map.of(), Duration.ofSeconds(10));
        assertEquals(
            0, syntax.exit(), () -> name + " %" + script.getKey() + " is not valid sh:\n" + syntax);
      }
    }
  }

  private static void assertMetadata(RpmPackage rpm, String name) {
    assertEquals(name, rpm.name());
    assertEquals(BuiltPackages.projectVersion().replace("-SNAPSHOT", ""), rpm.version());
    assertEquals("noarch", rpm.arch());
    assertEquals("linux", rpm.os());
    assertTrue(
        rpm.requires().contains(new Dependency("jre-17-headless", "", 0)),
        rpm.requires()::toString);
    assertTrue(
        rpm.requires().stream()
            .anyMatch(
                d -> d.name().equals("shadow-utils") && (d.flags() & RpmPackage.SENSE_PREREQ) != 0),
        () -> "Requires(pre): shadow-utils for useradd in %pre: " + rpm.requires());
  }

  private static void assertFile(
      RpmPackage rpm, String path, String user, String group, int permissions, int flags) {
    FileEntry f = rpm.files().get(path);
    assertEquals(
        user + ":" + group + " " + Integer.toOctalString(permissions) + " flags " + flags,
        f.user()
            + ":"
            + f.group()
            + " "
            + Integer.toOctalString(f.permissions())
            + " flags "
            + f.flags(),
        path);
  }

  private static void assertPayload(RpmPackage rpm, String path, Path source) {
    assertEquals(
        RpmPackage.sha256(Installed.bytes(source)),
        rpm.payloadSha256().get(path),
        () -> path + " differs from " + source);
  }

  private static Set<String> docs(String name) {
    String doc = "/usr/share/doc/" + name;
    return Set.of(
        doc,
        doc + "/README.md",
        doc + "/acl",
        doc + "/acl/agent.hcl",
        doc + "/acl/coordinator.hcl");
  }

  /**
   * Only where an rpm tool exists (not on this Debian machine): its view must match the pure-Java
   * one.
   */
  private static void assertRpmToolAgrees(Path file, RpmPackage rpm) {
    if (!Exec.onPath("rpm")) {
      return;
    }
    String info = Exec.run("rpm", "-qpi", file.toString()).ok().stdout();
    assertTrue(info.matches("(?s).*Name\\s*:\\s*" + rpm.name() + "\\s.*"), info);
    assertTrue(
        info.matches("(?s).*Version\\s*:\\s*" + rpm.version().replace(".", "\\.") + "\\s.*"), info);
    List<String> listed =
        Exec.run("rpm", "-qpl", file.toString()).ok().stdout().lines().sorted().toList();
    assertEquals(new TreeSet<>(rpm.files().keySet()).stream().toList(), listed);
  }
}

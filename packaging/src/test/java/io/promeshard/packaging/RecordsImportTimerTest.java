package io.promeshard.packaging;

import static io.promeshard.packaging.Installed.assertOwnedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The optional batch import the coordinator package ships: a oneshot service and an hourly timer,
 * installed disabled, and the script the service runs, which imports every gathered query log of
 * its input directory into a real Consul.
 */
class RecordsImportTimerTest {
  @RegisterExtension static final DpkgGuard GUARD = new DpkgGuard();
  @RegisterExtension static final ConsulExtension CONSUL = new ConsulExtension();

  private static final Path SERVICE =
      Paths.get("/usr/lib/systemd/system/prome-shard-records-import.service");
  private static final Path TIMER =
      Paths.get("/usr/lib/systemd/system/prome-shard-records-import.timer");
  private static final Path SCRIPT = Paths.get("/usr/share/prome-shard/records-import.sh");
  private static final Path DEFAULTS = Paths.get("/etc/default/prome-shard-records-import");

  @Test
  void theTimerIsInstalledDisabledAndItsServiceIsHardenedAndVerifies() {
    Dpkg.install(BuiltPackages.deb(BuiltPackages.COORDINATOR)).ok();

    assertOwnedBy(SCRIPT, "root", "root", "rwxr-xr-x");
    assertOwnedBy(SERVICE, "root", "root", "rw-r--r--");
    assertOwnedBy(TIMER, "root", "root", "rw-r--r--");
    assertOwnedBy(DEFAULTS, "root", "root", "rw-r--r--");
    assertTrue(
        Dpkg.conffiles(BuiltPackages.COORDINATOR).contains(DEFAULTS.toString()),
        "the import's settings are kept across upgrades");
    assertFalse(
        Files.exists(
            Paths.get("/etc/systemd/system/timers.target.wants", TIMER.getFileName().toString())),
        "the timer is shipped disabled");

    UnitFile service = UnitFile.parse(SERVICE);
    assertEquals("oneshot", service.value("Service", "Type"));
    assertEquals(SCRIPT.toString(), service.value("Service", "ExecStart"));
    assertEquals("prome-shard", service.value("Service", "User"));
    assertEquals("prome-shard", service.value("Service", "Group"));
    assertEquals("yes", service.value("Service", "NoNewPrivileges"));
    assertEquals("strict", service.value("Service", "ProtectSystem"));
    assertEquals("", service.value("Service", "CapabilityBoundingSet"));
    assertEquals("prome-shard", service.value("Service", "StateDirectory"));
    assertEquals(
        List.of(
            "-/etc/default/prome-shard-records-import",
            "-/etc/sysconfig/prome-shard-records-import"),
        service.values("Service", "EnvironmentFile"));
    UnitFile timer = UnitFile.parse(TIMER);
    assertEquals("hourly", timer.value("Timer", "OnCalendar"));
    assertEquals("timers.target", timer.value("Install", "WantedBy"));
    Units.assertVerifiedBySystemd(SERVICE);
    if (SystemdAnalyze.available()) {
      SystemdAnalyze.verify(TIMER);
    }
  }

  @Test
  void theServicesScriptImportsEveryGatheredQueryLogIntoConsul() throws IOException {
    Dpkg.install(BuiltPackages.deb(BuiltPackages.COORDINATOR)).ok();
    Path work = Files.createTempDirectory("prome-shard-records-import");
    Path logs = Files.createDirectories(work.resolve("query-logs"));
    Files.writeString(
        logs.resolve("prom-1.log"),
        line("sum(rate(http_requests_total[5m]))", 2.5) + line("up", 0.001),
        StandardCharsets.UTF_8);
    Files.writeString(
        logs.resolve("prom-2.log"),
        line("sum(rate(http_requests_total[5m]))", 3) + line("max(node_load1)", 1.2),
        StandardCharsets.UTF_8);
    Files.writeString(logs.resolve("notes.txt"), "not a log\n", StandardCharsets.UTF_8);
    Path config = work.resolve("coordinator.yml");
    Files.writeString(
        config, "consul: {address: '" + CONSUL.url() + "'}\n", StandardCharsets.UTF_8);
    Path archive = work.resolve("archive");

    Exec.Result r = runScript(logs, config, archive);

    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.stdout().contains("importing " + logs.resolve("prom-1.log")), r.stdout());
    assertTrue(r.stdout().contains("importing " + logs.resolve("prom-2.log")), r.stdout());
    assertFalse(r.stdout().contains("notes.txt"), r.stdout());
    String records = get("/v1/kv/prome-shard/records/?recurse=true").replaceAll("\\s", "");
    assertTrue(records.contains("\"Key\":\"prome-shard/records/1\""), records);
    assertTrue(records.contains("\"Key\":\"prome-shard/records/2\""), records);
    assertFalse(records.contains("\"Key\":\"prome-shard/records/3\""), records);
    try (var files = Files.list(archive)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("record_2_")));
    }

    Exec.Result missing = runScript(work.resolve("nowhere"), config, archive);
    assertEquals(1, missing.exit(), missing::toString);
    assertTrue(missing.stderr().contains("does not exist (RECORDS_INPUT_DIR)"), missing.stderr());
  }

  private static Exec.Result runScript(Path logs, Path config, Path archive) {
    return Exec.run(
        List.of(SCRIPT.toString()),
        Map.of(
            "RECORDS_INPUT_DIR", logs.toString(),
            "RECORDS_CONFIG", config.toString(),
            "RECORDS_ARCHIVE_DIR", archive.toString(),
            "RECORDS_MIN_DURATION", "1s",
            "PATH", Binaries.promtool().getParent() + ":" + System.getenv("PATH")),
        Duration.ofMinutes(2));
  }

  /** One query-log line as Prometheus writes it. */
  private static String line(String expr, double seconds) {
    return "{\"params\":{\"query\":\""
        + expr
        + "\",\"start\":\"2026-12-01T00:00:00Z\",\"end\":\"2026-12-01T00:00:00Z\",\"step\":0},"
        + "\"stats\":{\"timings\":{\"evalTotalTime\":"
        + seconds
        + "}},\"ts\":\"2026-12-01T00:00:00Z\"}\n";
  }

  private static String get(String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(CONSUL.url() + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new AssertionError("GET " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: GET " + path, e);
    }
  }
}

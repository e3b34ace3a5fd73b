package io.promeshard.agent.cli;

import static io.promeshard.agent.cli.AgentCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.cli.AgentCliTest.Result;
import io.promeshard.agent.run.AgentFixture;
import io.promeshard.agent.run.SharePublisher;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code scrape_config_dir} on the command line: check prints it, dry runs show its files. */
class AgentScrapeCliTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  @TempDir Path dir;

  private Path config(String node, String... extra) throws IOException {
    Path f = dir.resolve(node + ".yml");
    Files.writeString(
        f,
        AgentFixture.yaml(
            consul.url(),
            node,
            dir.resolve("out/file_sd"),
            dir.resolve("out/rules"),
            "http://127.0.0.1:" + FreePorts.one(),
            extra));
    return f;
  }

  @Test
  void checkPrintsTheScrapeConfigDirAndTheFlagOverridesTheFile() throws IOException {
    Path f = config("c1", "scrape_config_dir: '" + dir.resolve("from-file") + "'");
    Result file = run("check", "--config", f.toString());
    assertEquals(0, file.code(), file.err());
    assertTrue(file.out().contains("scrape_config_dir " + dir.resolve("from-file")), file.out());

    Result flag =
        run(
            "check",
            "--config",
            f.toString(),
            "--scrape-config-dir",
            dir.resolve("from-flag").toString());
    assertEquals(0, flag.code(), flag.err());
    assertTrue(flag.out().contains("scrape_config_dir " + dir.resolve("from-flag")), flag.out());

    Result defaults = run("check", "--node", "c2", "--templates", "");
    assertTrue(
        defaults.out().contains("scrape_config_dir /var/lib/prome-shard/scrape_configs"),
        defaults.out());
  }

  @Test
  void aScrapeConfigDirSharedWithFileSdDirIsAConfigError() throws IOException {
    Path f = config("c3", "scrape_config_dir: '" + dir.resolve("out/file_sd") + "'");
    for (String cmd : List.of("check", "run")) {
      Result r = run(cmd, "--config", f.toString());
      assertEquals(2, r.code(), r.out());
      assertTrue(
          r.err()
              .startsWith("prome-shard-agent: scrape_config_dir: must be a directory of its own"),
          r.err());
    }
  }

  @Test
  void aDryRunShowsTheScrapeConfigAndTargetsItWouldWrite() throws IOException {
    Path scrape = dir.resolve("out/scrape_configs");
    ScrapeSettings settings =
        ScrapeSettings.of(Json.MAPPER.readTree("{\"scrape_interval\": \"5s\"}"));
    new SharePublisher(consul.url())
        .publish(
            "c4",
            new NodeShare(
                Map.of(
                    "probe",
                    List.of(TargetGroup.of("10.0.0.1:80", Map.of())),
                    "web",
                    List.of(TargetGroup.of("10.0.0.2:80", Map.of()))),
                Map.of(),
                Map.of(),
                Map.of("probe", settings)),
            1);

    Result r =
        run(
            "run",
            "--dry-run",
            "--config",
            config("c4").toString(),
            "--scrape-config-dir",
            scrape.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("create " + scrape.resolve("probe.json") + " (1 targets)\n"), r.out());
    assertTrue(
        r.out()
            .contains("create " + scrape.resolve("probe.yml") + " (scrape config of job probe)\n"),
        r.out());
    assertTrue(
        r.out().contains("create " + dir.resolve("out/file_sd/web.json") + " (1 targets)\n"),
        r.out());
    assertTrue(r.out().contains("reload: yes (reload_on rules)"), r.out());
    assertFalse(Files.exists(dir.resolve("out")), "a dry run writes nothing");
  }
}

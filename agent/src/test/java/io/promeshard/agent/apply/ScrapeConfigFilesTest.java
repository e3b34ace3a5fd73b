package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.render.OutputKind;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scrape-config directory without Prometheus: the agent removes only files it wrote there, and
 * the directory must be one of its own.
 */
class ScrapeConfigFilesTest {
  @TempDir Path root;

  private OutputConfig output() {
    return OutputConfig.of(root.resolve("file_sd"), root.resolve("rules"), null)
        .withScrapeConfigDir(root.resolve("scrape"));
  }

  private NodeShare share(boolean withSettings) {
    return new NodeShare(
        Map.of("probe", List.of(TargetGroup.of("10.0.0.1:80", Map.of()))),
        Map.of(),
        Map.of(),
        withSettings
            ? Map.of("probe", Blackbox.settings("127.0.0.1:9115", "15s", "10s"))
            : Map.of());
  }

  @Test
  void filesTheAgentDidNotWriteAreLeftAlone() throws Exception {
    Path scrape = Files.createDirectories(root.resolve("scrape"));
    Files.writeString(scrape.resolve("mine.yml"), "scrape_configs: []\n");
    Files.writeString(scrape.resolve("mine.json"), "[]\n");
    Applier applier = new Applier(new Renderer(Templates.bundled()), output());

    ApplyResult added = applier.apply(share(true), null);
    assertTrue(added.ok(), added.error());
    assertEquals(
        List.of("mine.json", "mine.yml", "probe.json", "probe.yml"), ApplierTest.visible(scrape));
    assertEquals(
        List.of(OutputKind.SCRAPE_CONFIG),
        added.ruleChanges().stream().map(FileChange::kind).toList());

    ApplyResult moved = applier.apply(share(false), null);
    assertTrue(moved.ok(), moved.error());
    assertEquals(List.of("mine.json", "mine.yml"), ApplierTest.visible(scrape));
    assertEquals(List.of("probe.json"), ApplierTest.visible(root.resolve("file_sd")));
  }

  @Test
  void theScrapeConfigDirectoryMustBeOneOfItsOwn() {
    OutputConfig base = output();
    for (Path clash : List.of(base.fileSdDir(), base.rulesDir())) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> base.withScrapeConfigDir(clash));
      assertTrue(e.getMessage().startsWith("scrape_config_dir: must differ"), e.getMessage());
    }
  }
}

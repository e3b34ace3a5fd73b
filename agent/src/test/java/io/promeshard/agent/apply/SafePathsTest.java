package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.render.OutputKind;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names like {@code ../x} never become files outside the configured directories: two layers check.
 */
class SafePathsTest {
  private static final List<String> HOSTILE =
      List.of("../x", "..", ".", "x/../../y", "/etc/passwd", "a/b", "a\\b", "", " x", "x\u0000");

  @TempDir Path root;

  @Test
  void protocolValidationRejectsTraversingJobAndGroupNamesFirst() {
    for (String name : HOSTILE) {
      ProtocolException targets =
          assertThrows(
              ProtocolException.class,
              () -> new NodeShare(Map.of(name, List.of(TargetGroup.of("a:1", Map.of()))), Map.of()),
              name);
      assertTrue(targets.getMessage().startsWith("job: invalid name"), targets.getMessage());
      ProtocolException rules =
          assertThrows(
              ProtocolException.class,
              () -> new NodeShare(Map.of(), Map.of(name, List.of(new RecordRule("r", "up")))),
              name);
      assertTrue(rules.getMessage().startsWith("rule group: invalid name"), rules.getMessage());
    }
  }

  @Test
  void theApplyStageRefusesThemAgainEvenIfValidationWereBypassed() throws Exception {
    Path dir = Files.createDirectories(root.resolve("file_sd"));
    for (String name : HOSTILE) {
      for (OutputKind kind : OutputKind.values()) {
        ApplyException e =
            assertThrows(ApplyException.class, () -> SafePaths.file(dir, kind, name), name);
        assertTrue(
            e.getMessage().startsWith(dir.toAbsolutePath() + ": refusing to build a file name"),
            e.getMessage());
      }
    }
    for (String fileName :
        List.of(
            "../x.json",
            "x/../../y.json",
            "/etc/passwd.json",
            "a/b.json",
            "..",
            ".",
            "",
            "x\u0000.json")) {
      ApplyException raw =
          assertThrows(ApplyException.class, () -> SafePaths.inside(dir, fileName), fileName);
      assertTrue(raw.getMessage().contains("\"" + fileName + "\""), raw.getMessage());
    }
    assertEquals(List.of(root.resolve("file_sd")), list(root), "nothing was created anywhere");
  }

  @Test
  void unusualButValidNamesStayInsideTheDirectory() throws Exception {
    Path dir = root.resolve("rules");
    for (String name : List.of("a..b", "x.", "9", "a-b_c.d")) {
      Path p = SafePaths.file(dir, OutputKind.RULES, name);
      assertEquals(dir.toAbsolutePath(), p.getParent());
      assertEquals(name + ".yml", p.getFileName().toString());
    }
  }

  @Test
  void aLeftoverManagedListCannotSteerRemovalsOutsideTheDirectory() throws Exception {
    Path fileSd = Files.createDirectories(root.resolve("file_sd"));
    Path victim = Files.writeString(root.resolve("victim.json"), "[]");
    Files.writeString(
        fileSd.resolve(ManagedFiles.stateFileName(OutputKind.TARGETS)),
        "../victim.json\n/etc/passwd.json\nweb.json\n");
    Files.writeString(fileSd.resolve("web.json"), "[]");
    Applier applier =
        new Applier(
            new Renderer(Templates.bundled()),
            OutputConfig.of(fileSd, root.resolve("rules"), null));

    ApplyResult result = applier.apply(NodeShare.empty(), null);

    assertEquals(1, result.targetChanges().size(), result.toString());
    assertTrue(Files.exists(victim), "a file outside file_sd_dir was touched");
    assertTrue(Files.notExists(fileSd.resolve("web.json")));
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}

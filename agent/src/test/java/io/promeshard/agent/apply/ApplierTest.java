package io.promeshard.agent.apply;

import static io.promeshard.agent.apply.AtomicFilesTest.inode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.render.RenderException;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierTest {
  @TempDir Path root;

  private Path fileSd() {
    return root.resolve("file_sd");
  }

  private Path rules() {
    return root.resolve("rules");
  }

  private Applier applier() {
    return new Applier(
        new Renderer(Templates.bundled()),
        OutputConfig.of(fileSd(), rules(), Duration.ofSeconds(30)));
  }

  @Test
  void writesOneFilePerJobAndRuleGroup() throws Exception {
    NodeShare share = share(Map.of("web", 2, "db", 1), Map.of("heavy", 3));

    ApplyResult result = applier().apply(share, null);

    assertEquals(List.of("db.json", "web.json"), visible(fileSd()));
    assertEquals(List.of("heavy.yml"), visible(rules()));
    assertEquals(
        share.targets().get("web"),
        Json.decodeTargetGroups("web.json", Files.readAllBytes(fileSd().resolve("web.json"))));
    assertEquals(2, result.targetChanges().size());
    assertTrue(
        result.targetChanges().stream().allMatch(c -> c.action() == FileChange.Action.CREATE));
    assertEquals(
        List.of(FileChange.Action.CREATE),
        result.ruleChanges().stream().map(FileChange::action).toList());
    assertNull(result.reload(), "no reloader given");
    assertTrue(result.ok(), result.error());
    assertEquals(
        List.of("targets db.json 1", "targets web.json 2", "rules heavy.yml 3"),
        result.files().stream().map(ApplierTest::describe).toList());
  }

  @Test
  void ruleIntervalFromTheShareWinsOverTheAgentDefault() throws Exception {
    NodeShare plain = share(Map.of(), Map.of("heavy", 1, "light", 1));
    NodeShare share =
        new NodeShare(plain.targets(), plain.rules(), Map.of("heavy", Duration.ofSeconds(45)));

    applier().apply(share, null);

    assertTrue(Files.readString(rules().resolve("heavy.yml")).contains("interval: \"45s\""));
    assertTrue(
        Files.readString(rules().resolve("light.yml")).contains("interval: \"30s\""),
        "agent default");
  }

  @Test
  void unchangedShareRewritesNothing() throws Exception {
    NodeShare share = share(Map.of("web", 2), Map.of("heavy", 1));
    Applier applier = applier();
    applier.apply(share, null);
    Path web = fileSd().resolve("web.json");
    Path heavy = rules().resolve("heavy.yml");
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(web, old);
    Files.setLastModifiedTime(heavy, old);
    Object webInode = inode(web);
    Object heavyInode = inode(heavy);

    assertTrue(applier.plan(share).isEmpty());
    ApplyResult again = applier.apply(share, null);

    assertFalse(again.changed(), again.toString());
    assertEquals(old, Files.getLastModifiedTime(web));
    assertEquals(old, Files.getLastModifiedTime(heavy));
    assertEquals(webInode, inode(web));
    assertEquals(heavyInode, inode(heavy));
    assertEquals(2, again.files().size(), "status still lists every file");
  }

  @Test
  void filesOfJobsAndGroupsThatLeftAreRemovedButForeignFilesAreUntouched() throws Exception {
    Files.createDirectories(fileSd());
    Files.createDirectories(rules());
    Files.writeString(fileSd().resolve("foreign.json"), "[]");
    Files.writeString(fileSd().resolve("notes.txt"), "operator's notes");
    Files.writeString(rules().resolve("alerts.yml"), "groups: []\n");
    Applier applier = applier();
    applier.apply(share(Map.of("web", 1, "db", 1), Map.of("heavy", 1, "light", 1)), null);

    ApplyResult result = applier.apply(share(Map.of("db", 1), Map.of("light", 1)), null);

    assertEquals(
        List.of(FileChange.Action.REMOVE),
        result.targetChanges().stream().map(FileChange::action).toList());
    assertEquals(fileSd().resolve("web.json"), result.targetChanges().get(0).path());
    assertEquals(rules().resolve("heavy.yml"), result.ruleChanges().get(0).path());
    assertEquals(List.of("db.json", "foreign.json", "notes.txt"), visible(fileSd()));
    assertEquals(List.of("alerts.yml", "light.yml"), visible(rules()));
    assertEquals("[]", Files.readString(fileSd().resolve("foreign.json")));

    applier.apply(NodeShare.empty(), null);
    assertEquals(List.of("foreign.json", "notes.txt"), visible(fileSd()));
    assertEquals(List.of("alerts.yml"), visible(rules()));
  }

  @Test
  void targetsAndRulesMayShareOneDirectory() throws Exception {
    Path both = root.resolve("out");
    Applier applier =
        new Applier(new Renderer(Templates.bundled()), OutputConfig.of(both, both, null));
    applier.apply(share(Map.of("web", 1), Map.of("web", 1)), null);
    assertEquals(List.of("web.json", "web.yml"), visible(both));

    applier.apply(share(Map.of(), Map.of("web", 1)), null);
    assertEquals(List.of("web.yml"), visible(both));
    applier.apply(share(Map.of("web", 1), Map.of()), null);
    assertEquals(List.of("web.json"), visible(both));
  }

  @Test
  void dryRunPlanSaysWhatWouldChangeAndWritesNothing() throws Exception {
    Applier applier = applier();
    applier.apply(share(Map.of("web", 1, "old", 1), Map.of("heavy", 1)), null);
    Map<String, String> before = snapshot();

    OutputPlan plan = applier.plan(share(Map.of("web", 2, "api", 1), Map.of("heavy", 1)));

    assertEquals(
        List.of(
            "create " + fileSd().resolve("api.json") + " (1 targets)",
            "update " + fileSd().resolve("web.json") + " (2 targets)",
            "remove " + fileSd().resolve("old.json")),
        plan.describe());
    assertFalse(plan.rulesChange());
    assertEquals(before, snapshot());
    assertEquals(
        List.of("no changes"),
        applier.plan(share(Map.of("web", 1, "old", 1), Map.of("heavy", 1))).describe());
  }

  @Test
  void aTemplateThatRendersInvalidOutputWritesNothingAtAll() throws Exception {
    Path templates = Files.createDirectories(root.resolve("templates"));
    copyResource("templates/" + Templates.FILE_SD, templates.resolve(Templates.FILE_SD));
    copyResource("templates-bare-expr/" + Templates.RULES, templates.resolve(Templates.RULES));
    Applier applier =
        new Applier(
            new Renderer(Templates.directory(templates)), OutputConfig.of(fileSd(), rules(), null));
    NodeShare share =
        new NodeShare(
            Map.of("web", List.of(TargetGroup.of("a:1", Map.of()))),
            Map.of("heavy", List.of(new RecordRule("r", "up # comment"))));

    RenderException e = assertThrows(RenderException.class, () -> applier.apply(share, null));

    assertTrue(
        e.getMessage()
            .startsWith(
                "template rules.yml.mustache (" + templates + ") rendered rule group heavy"),
        e.getMessage());
    assertFalse(Files.exists(fileSd()), "the valid target file must not be written either");
    assertFalse(Files.exists(rules()));
  }

  @Test
  void staleTempFilesOfManagedFilesAreCleanedUpButForeignOnesAreNot() throws Exception {
    Files.createDirectories(fileSd());
    Files.writeString(fileSd().resolve(".web.json.tmp-3k2j1"), "[");
    Files.writeString(fileSd().resolve(".foreign.json.tmp-3k2j1"), "[");

    applier().apply(share(Map.of("web", 1), Map.of()), null);

    assertEquals(
        List.of(".foreign.json.tmp-3k2j1", ".prome-shard-managed.targets", "web.json"),
        all(fileSd()));
  }

  @Test
  void aRuleFileTheCheckCommandRejectsIsNotInstalledAndLeavesNoTempFile() throws Exception {
    applier().apply(share(Map.of("web", 1), Map.of("heavy", 1)), null);
    byte[] heavyBefore = Files.readAllBytes(rules().resolve("heavy.yml"));
    CheckCommand reject =
        new CheckCommand(
            List.of("sh", "-c", "case $0 in *light*) echo \"rejecting $0\"; exit 1;; esac", "{}"),
            Duration.ofSeconds(10));
    Applier checked =
        new Applier(
            new Renderer(Templates.bundled()),
            OutputConfig.of(fileSd(), rules(), Duration.ofSeconds(30)).withRuleCheck(reject));

    ApplyResult result =
        checked.apply(share(Map.of("web", 2), Map.of("heavy", 2, "light", 1)), null);

    assertFalse(result.ok());
    assertTrue(
        result
            .error()
            .startsWith(
                "rule file "
                    + rules().resolve("light.yml")
                    + " rejected: check command exited 1: sh -c"),
        result.error());
    assertTrue(
        result.error().contains("; output:\nrejecting " + rules().resolve(".light.yml.tmp-")),
        result.error());
    assertEquals(List.of(), result.ruleChanges(), "no rule file is installed when one is rejected");
    assertArrayEquals(
        heavyBefore,
        Files.readAllBytes(rules().resolve("heavy.yml")),
        "heavy.yml passed its check but is not installed alone");
    assertEquals(
        List.of(".prome-shard-managed.rules", "heavy.yml"),
        all(rules()),
        "no temp file, no light.yml");
    assertEquals(1, result.targetChanges().size(), "target files do not depend on rule checks");
    assertEquals(
        List.of("targets web.json 2"), result.files().stream().map(ApplierTest::describe).toList());

    ApplyResult passing =
        new Applier(
                new Renderer(Templates.bundled()),
                OutputConfig.of(fileSd(), rules(), Duration.ofSeconds(30))
                    .withRuleCheck(CheckCommand.parse("test -s", Duration.ofSeconds(10))))
            .apply(share(Map.of("web", 2), Map.of("heavy", 2, "light", 1)), null);
    assertTrue(passing.ok(), passing.error());
    assertEquals(2, passing.ruleChanges().size());
    assertEquals(List.of(".prome-shard-managed.rules", "heavy.yml", "light.yml"), all(rules()));
  }

  static NodeShare share(Map<String, Integer> jobs, Map<String, Integer> groups) {
    Map<String, List<TargetGroup>> targets = new TreeMap<>();
    jobs.forEach(
        (job, n) ->
            targets.put(
                job,
                java.util.stream.IntStream.range(0, n)
                    .mapToObj(
                        i ->
                            TargetGroup.of(
                                "10.0.0." + i + ":9100", Map.of("job_name", job, "n", "#" + n)))
                    .toList()));
    Map<String, List<RecordRule>> rules = new TreeMap<>();
    groups.forEach(
        (group, n) ->
            rules.put(
                group,
                java.util.stream.IntStream.range(0, n)
                    .mapToObj(i -> new RecordRule(group + ":r" + i, "sum(rate(x_" + i + "[5m]))"))
                    .toList()));
    return new NodeShare(targets, rules);
  }

  /** Files a Prometheus glob or an operator would see (no dot files). */
  static List<String> visible(Path dir) throws IOException {
    return all(dir).stream().filter(n -> !n.startsWith(".")).toList();
  }

  static List<String> all(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private Map<String, String> snapshot() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(
            root.relativize(p).toString(),
            Files.readString(p) + "@" + Files.getLastModifiedTime(p) + "#" + inode(p));
      }
    }
    return out;
  }

  private static String describe(NodeStatus.FileStatus f) {
    return f.kind() + " " + Path.of(f.path()).getFileName() + " " + f.count();
  }

  private static void copyResource(String name, Path to) throws IOException {
    try (InputStream in = ApplierTest.class.getClassLoader().getResourceAsStream(name)) {
      Files.copy(in, to);
    }
  }
}

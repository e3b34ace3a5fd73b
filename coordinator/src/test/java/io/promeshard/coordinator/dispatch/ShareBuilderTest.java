package io.promeshard.coordinator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.config.StaticSourceSpec;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.publish.ShareGroups;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ShareBuilderTest {
  private static final JobSpec WEB =
      new JobSpec(
          List.of(new StaticSourceSpec(List.of(TargetGroup.of("x:1", Map.of())))),
          Map.of("team", "web", "env", "default"),
          null,
          null);
  private static final JobSpec DB =
      new JobSpec(
          List.of(new StaticSourceSpec(List.of(TargetGroup.of("x:1", Map.of())))),
          Map.of(),
          3.0,
          2);

  private static List<TargetGroup> targets(String prefix, int n) {
    List<TargetGroup> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TargetGroup.of(prefix + i + ":9100", i % 2 == 0 ? Map.of("env", "prod") : Map.of()));
    }
    return out;
  }

  private static Map<String, Member> members(int n) {
    Map<String, Member> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      m.put("p" + i, new Member("p" + i, 1, "z" + (i % 3)));
    }
    return m;
  }

  private static DispatchInput input(Map<String, Member> members) {
    List<RecordRule> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(new RecordRule("hke:heavy_expr:" + i, "sum(rate(m" + i + "[5m]))"));
    }
    return new DispatchInput(
        Settings.DEFAULTS,
        Map.of("web", WEB, "db", DB),
        Map.of("web", targets("10.1.0.", 600), "db", targets("10.2.0.", 200)),
        records,
        members);
  }

  @Test
  void everyTargetOnExactlyReplicasNodesWithJobLabelsUnderTargetLabels() {
    DispatchOutput out = ShareBuilder.build(input(members(5)), Map.of());
    Map<String, Integer> webSeen = new HashMap<>();
    Map<String, Set<String>> dbOwners = new HashMap<>();
    out.shares()
        .forEach(
            (node, share) -> {
              share
                  .targets()
                  .getOrDefault("web", List.of())
                  .forEach(
                      g -> {
                        webSeen.merge(g.targets().get(0), 1, Integer::sum);
                        assertEquals("web", g.labels().get("team"));
                      });
              share
                  .targets()
                  .getOrDefault("db", List.of())
                  .forEach(
                      g ->
                          dbOwners
                              .computeIfAbsent(g.targets().get(0), k -> new HashSet<>())
                              .add(node));
            });
    assertEquals(600, webSeen.size());
    assertTrue(webSeen.values().stream().allMatch(c -> c == 1));
    assertEquals(200, dbOwners.size());
    assertTrue(dbOwners.values().stream().allMatch(s -> s.size() == 2));
    NodeShare any = out.shares().values().iterator().next();
    any.targets()
        .get("web")
        .forEach(
            g -> {
              int i =
                  Integer.parseInt(
                      g.targets().get(0).replaceAll("^10\\.1\\.0\\.(\\d+):9100$", "$1"));
              assertEquals(
                  i % 2 == 0 ? "prod" : "default",
                  g.labels().get("env"),
                  "target label wins over job label");
            });
    assertEquals(800, out.targets());
    assertEquals(
        600 + 2 * 200, out.targetsByNode().values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(
        600 * 1.0 + 2 * 200 * 3.0,
        out.costByNode().values().stream().mapToDouble(Double::doubleValue).sum(),
        1e-9);
  }

  @Test
  void recordsAreSpreadOverNodesIntoTheRecordGroup() {
    DispatchOutput out = ShareBuilder.build(input(members(5)), Map.of());
    Set<String> seen = new HashSet<>();
    out.shares()
        .values()
        .forEach(
            share ->
                share
                    .rules()
                    .forEach(
                        (group, rules) -> {
                          assertEquals("heavy_expr_record", group);
                          rules.forEach(
                              r ->
                                  assertTrue(
                                      seen.add(r.record()), "record on two nodes: " + r.record()));
                        }));
    assertEquals(50, seen.size());
    assertTrue(
        out.rulesByNode().values().stream().allMatch(c -> c > 0), out.rulesByNode().toString());
  }

  @Test
  void sameInputSameSharesAndNodeLeavingMovesOnlyItsTargets() {
    DispatchOutput first = ShareBuilder.build(input(members(5)), Map.of());
    assertEquals(first.shares(), ShareBuilder.build(input(members(5)), Map.of()).shares());
    Map<String, Member> four = members(5);
    four.remove("p2");
    DispatchOutput after = ShareBuilder.build(input(four), first.assignments());
    first
        .shares()
        .forEach(
            (node, share) -> {
              if (!node.equals("p2")) {
                List<TargetGroup> before = share.targets().get("web");
                assertTrue(
                    after.shares().get(node).targets().get("web").containsAll(before),
                    node + " lost targets");
              }
            });
    assertEquals(
        first.shares().get("p2").targets().get("web").size(),
        after.moved() - movedRecordsAndDb(first, after),
        "only p2's web targets moved");
  }

  private static int movedRecordsAndDb(DispatchOutput first, DispatchOutput after) {
    return after
            .assignments()
            .get(ShareGroups.targets(2))
            .movedComparedTo(first.assignments().get(ShareGroups.targets(2)))
        + after
            .assignments()
            .get(ShareGroups.RECORDS)
            .movedComparedTo(first.assignments().get(ShareGroups.RECORDS));
  }

  @Test
  void noMembersMeansNoShares() {
    DispatchOutput out = ShareBuilder.build(input(Map.of()), Map.of());
    assertTrue(out.shares().isEmpty());
  }

  @Test
  void eachShareCarriesTheScrapeSettingsOfItsOwnJobsAndASettingsEditMovesNothing() {
    ScrapeSettings probe =
        ScrapeSettings.of(Json.MAPPER.createObjectNode().put("scrape_interval", "30s"));
    JobSpec probed = new JobSpec(WEB.sources(), Map.of(), null, null, probe);
    Map<String, Member> few = members(5);
    DispatchInput in =
        new DispatchInput(
            Settings.DEFAULTS,
            Map.of("web", probed, "db", DB),
            Map.of("web", targets("10.1.0.", 3), "db", targets("10.2.0.", 200)),
            List.of(),
            few);
    DispatchOutput first = ShareBuilder.build(in, Map.of());
    int withWeb = 0;
    for (NodeShare share : first.shares().values()) {
      if (share.targets().containsKey("web")) {
        withWeb++;
        assertEquals(Map.of("web", probe), share.scrape());
        assertEquals(Map.of("web", probe), share.manifestScrape());
      } else {
        assertEquals(Map.of(), share.scrape());
      }
    }
    assertTrue(withWeb > 0 && withWeb < 5, "web on " + withWeb + " of 5 nodes");

    ScrapeSettings slower =
        ScrapeSettings.of(Json.MAPPER.createObjectNode().put("scrape_interval", "1m"));
    DispatchInput edited =
        new DispatchInput(
            Settings.DEFAULTS,
            Map.of("web", new JobSpec(WEB.sources(), Map.of(), null, null, slower), "db", DB),
            in.targets(),
            List.of(),
            few);
    DispatchOutput second = ShareBuilder.build(edited, first.assignments());
    assertEquals(0, second.moved());
    first
        .shares()
        .forEach(
            (node, share) -> {
              NodeShare now = second.shares().get(node);
              assertEquals(share.targets(), now.targets(), node);
              assertEquals(
                  share.scrape().isEmpty() ? Map.of() : Map.of("web", slower), now.scrape(), node);
            });
  }
}

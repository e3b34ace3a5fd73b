package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.ScrapeSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Prints what a dispatch would change, per node: targets and rules before → after, and the keys to
 * write; then the jobs whose scrape settings change and the handovers it would start or continue.
 */
final class PlanPrinter {
  /** How many handovers a plan names. */
  private static final int NAMED = 10;

  private PlanPrinter() {}

  /** One node's change: targets and rules before and after, what is added and removed, keys. */
  record NodeChange(
      String node,
      int targetsBefore,
      int targetsAfter,
      int rulesBefore,
      int rulesAfter,
      long added,
      long removed,
      long keysToWrite) {}

  /**
   * What a dispatch would change, as {@code --output json} prints it; the text form prints the same
   * figures.
   */
  record Plan(
      List<NodeChange> nodes,
      long targets,
      long rules,
      long keysToWrite,
      long bytesToWrite,
      long keysToDelete,
      boolean nothingToChange,
      Map<String, String> scrapeSettings,
      CoordinatorStatus.HandoverSummary handovers) {}

  static Plan plan(DispatchReport report) {
    PublishPlan plan = report.plan();
    Map<String, NodeShare> before = report.before().shares();
    Map<String, NodeShare> after = report.output().shares();
    TreeSet<String> nodes = new TreeSet<>(before.keySet());
    nodes.addAll(after.keySet());
    List<NodeChange> changes = new ArrayList<>();
    for (String node : nodes) {
      NodeShare b = before.getOrDefault(node, NodeShare.empty());
      NodeShare a = after.getOrDefault(node, NodeShare.empty());
      Set<String> was = addresses(b);
      Set<String> now = addresses(a);
      changes.add(
          new NodeChange(
              node,
              b.targetCount(),
              a.targetCount(),
              b.ruleCount(),
              a.ruleCount(),
              now.stream().filter(x -> !was.contains(x)).count(),
              was.stream().filter(x -> !now.contains(x)).count(),
              plan.parts().stream().filter(w -> w.node().equals(node)).count()
                  + plan.manifests().stream().filter(w -> w.node().equals(node)).count()));
    }
    CoordinatorStatus.HandoverSummary handovers =
        report.handovers().isEmpty()
            ? null
            : report.handovers().summary(report.input().settings().handoverTimeout(), NAMED);
    return new Plan(
        changes,
        report.output().targets(),
        report.output().rules(),
        plan.parts().size() + plan.manifests().size(),
        plan.byteCount(),
        plan.deletes().size(),
        plan.isEmpty(),
        scrapeChanges(before, after),
        handovers);
  }

  static void print(PrintStream out, DispatchReport report, OutputFormat.Format format) {
    Plan plan = plan(report);
    if (format == OutputFormat.Format.json) {
      OutputFormat.print(out, plan);
      return;
    }
    String fmt = "%-24s %16s %12s %8s %8s  %s%n";
    out.printf(fmt, "NODE", "TARGETS", "RULES", "+ADDED", "-REMOVED", "KEYS TO WRITE");
    for (NodeChange n : plan.nodes()) {
      out.printf(
          fmt,
          n.node(),
          n.targetsBefore() + " -> " + n.targetsAfter(),
          n.rulesBefore() + " -> " + n.rulesAfter(),
          "+" + n.added(),
          "-" + n.removed(),
          n.keysToWrite() == 0 ? "-" : String.valueOf(n.keysToWrite()));
    }
    out.printf(
        "%n%d targets, %d rules over %d nodes; %d keys (%d bytes) to write, %d to delete%s%n",
        plan.targets(),
        plan.rules(),
        report.output().shares().size(),
        plan.keysToWrite(),
        plan.bytesToWrite(),
        plan.keysToDelete(),
        plan.nothingToChange() ? " (nothing to change)" : "");
    if (!plan.scrapeSettings().isEmpty()) {
      out.printf(
          "scrape settings: %s (the manifests of the nodes holding them are rewritten)%n",
          String.join(
              ", ",
              plan.scrapeSettings().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .toList()));
    }
    CoordinatorStatus.HandoverSummary h = plan.handovers();
    if (h != null) {
      out.printf(
          "%d targets and %d records in handover (kept on their old owners until the new ones"
              + " scraped or evaluated them), per new owner %s%n",
          h.targets(), h.records(), h.byNode());
      h.named().forEach(line -> out.println("  " + line));
    }
  }

  /**
   * Jobs whose scrape settings a dispatch adds, changes or removes, with that word; a job that only
   * moves to other nodes with the same settings is not listed.
   */
  static Map<String, String> scrapeChanges(
      Map<String, NodeShare> before, Map<String, NodeShare> after) {
    Map<String, Set<ScrapeSettings>> was = scrapeByJob(before);
    Map<String, Set<ScrapeSettings>> now = scrapeByJob(after);
    Map<String, String> out = new TreeMap<>();
    TreeSet<String> jobs = new TreeSet<>(was.keySet());
    jobs.addAll(now.keySet());
    for (String job : jobs) {
      if (!was.containsKey(job)) {
        out.put(job, "added");
      } else if (!now.containsKey(job)) {
        out.put(job, "removed");
      } else if (!was.get(job).equals(now.get(job))) {
        out.put(job, "changed");
      }
    }
    return out;
  }

  private static Map<String, Set<ScrapeSettings>> scrapeByJob(Map<String, NodeShare> shares) {
    Map<String, Set<ScrapeSettings>> out = new TreeMap<>();
    shares
        .values()
        .forEach(
            s ->
                s.manifestScrape()
                    .forEach(
                        (job, settings) ->
                            out.computeIfAbsent(job, j -> new HashSet<>()).add(settings)));
    return out;
  }

  private static Set<String> addresses(NodeShare share) {
    Set<String> out = new HashSet<>();
    share
        .targets()
        .forEach(
            (job, groups) -> groups.forEach(g -> g.targets().forEach(t -> out.add(job + "/" + t))));
    share.rules().values().forEach(rules -> rules.forEach(r -> out.add("rule " + r.record())));
    return out;
  }
}

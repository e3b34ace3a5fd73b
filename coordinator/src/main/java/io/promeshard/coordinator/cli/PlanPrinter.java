package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.ScrapeSettings;
import java.io.PrintStream;
import java.util.HashSet;
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

  static void print(PrintStream out, DispatchReport report) {
    PublishPlan plan = report.plan();
    Map<String, NodeShare> before = report.before().shares();
    Map<String, NodeShare> after = report.output().shares();
    TreeSet<String> nodes = new TreeSet<>(before.keySet());
    nodes.addAll(after.keySet());
    String fmt = "%-24s %16s %12s %8s %8s  %s%n";
    out.printf(fmt, "NODE", "TARGETS", "RULES", "+ADDED", "-REMOVED", "KEYS TO WRITE");
    for (String node : nodes) {
      NodeShare b = before.getOrDefault(node, NodeShare.empty());
      NodeShare a = after.getOrDefault(node, NodeShare.empty());
      Set<String> was = addresses(b);
      Set<String> now = addresses(a);
      long added = now.stream().filter(x -> !was.contains(x)).count();
      long removed = was.stream().filter(x -> !now.contains(x)).count();
      long keys =
          plan.parts().stream().filter(w -> w.node().equals(node)).count()
              + plan.manifests().stream().filter(w -> w.node().equals(node)).count();
      out.printf(
          fmt,
          node,
          b.targetCount() + " -> " + a.targetCount(),
          b.ruleCount() + " -> " + a.ruleCount(),
          "+" + added,
          "-" + removed,
          keys == 0 ? "-" : String.valueOf(keys));
    }
    out.printf(
        "%n%d targets, %d rules over %d nodes; %d keys (%d bytes) to write, %d to delete%s%n",
        report.output().targets(),
        report.output().rules(),
        after.size(),
        plan.parts().size() + plan.manifests().size(),
        plan.byteCount(),
        plan.deletes().size(),
        plan.isEmpty() ? " (nothing to change)" : "");
    Map<String, String> scrape = scrapeChanges(before, after);
    if (!scrape.isEmpty()) {
      out.printf(
          "scrape settings: %s (the manifests of the nodes holding them are rewritten)%n",
          String.join(
              ", ", scrape.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
    }
    if (!report.handovers().isEmpty()) {
      CoordinatorStatus.HandoverSummary h =
          report.handovers().summary(report.input().settings().handoverTimeout(), NAMED);
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

package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.protocol.NodeShare;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Prints what a dispatch would change, per node: targets and rules before → after, and the keys to
 * write.
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

package io.promeshard.coordinator.web;

import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.dispatch.Handovers;
import io.promeshard.coordinator.dispatch.ShareBuilder;
import io.promeshard.coordinator.publish.PublishedFleet;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The status page's search: where a job's target is and why. With this copy's last dispatch (the
 * leader's, or a dry run's) it is the {@code explain} command's answer: owners, previous owners and
 * every node in the target's preference order with what happened there, and the handover it is in.
 * Without one (a standby) it says which nodes the target is published on.
 */
public final class Explain {
  private Explain() {}

  /** The answer's lines; a target that is nowhere or a job that is unknown is said so. */
  static String answer(DispatchReport report, PublishedFleet fleet, String job, String address) {
    if (report != null && report.input().jobs().containsKey(job)) {
      try {
        StringBuilder out =
            new StringBuilder(
                ShareBuilder.explain(
                        report.input(),
                        report.previous(),
                        job,
                        address,
                        report.output().load().model())
                    .describe());
        InHandover h = InHandover.of(report, job, address);
        if (h != null) {
          out.append(h.describe()).append('\n');
        }
        return out.toString();
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    List<String> on =
        fleet.shares().entrySet().stream()
            .filter(e -> holds(e.getValue(), job, address))
            .map(Map.Entry::getKey)
            .toList();
    String where =
        on.isEmpty()
            ? "job " + job + " has no target " + address + " published"
            : job + "/" + address + " is published on " + on;
    return where + "\n(the ranking is shown by the active coordinator's page)";
  }

  /**
   * A target in handover: since when, the old owners it is kept on, the new owners it waits for,
   * and the handover_timeout that ends it anyway. Said the same way by the page and {@code
   * explain}.
   */
  public record InHandover(String since, List<String> keptOn, Set<String> until, String timeout) {
    /** The handover {@code job/address} is in according to {@code report}, or null. */
    public static InHandover of(DispatchReport report, String job, String address) {
      Handovers.Handover h = report.handovers().get(job + "/" + address);
      return h == null
          ? null
          : new InHandover(
              h.started().toString(),
              h.from(),
              h.to().keySet(),
              Durations.format(report.input().settings().handoverTimeout()));
    }

    /** One line, without its newline. */
    public String describe() {
      return String.format(
          "in handover since %s: kept on %s until %s scraped it twice (at most handover_timeout"
              + " %s)",
          since, keptOn, until, timeout);
    }
  }

  private static boolean holds(NodeShare share, String job, String address) {
    List<TargetGroup> groups = share.targets().get(job);
    return groups != null && groups.stream().anyMatch(g -> g.targets().contains(address));
  }
}

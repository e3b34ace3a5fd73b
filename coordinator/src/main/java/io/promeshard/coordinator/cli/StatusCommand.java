package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.PublishedFleet;
import io.promeshard.coordinator.web.FleetView;
import io.promeshard.protocol.cli.ExitCodes;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code status}: per node the published targets, rules and cost share, the generation published
 * and the one its agent applied (lag), and the agent's last error; then each agent's Prometheus
 * version and what it cannot do; then the coordinator's own status (leader, rejected config keys,
 * failing sources). Exit 1 when Consul cannot be read.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show per node: targets, cost share, published and applied generation, lag, errors.")
public final class StatusCommand implements Callable<Integer>, Verbosity.Answering {
  @Mixin ConnectionOptions connection;

  @Mixin Verbosity verbosity;

  @Mixin OutputFormat output;

  @Override
  public Verbosity verbosity() {
    return verbosity;
  }

  @Override
  public Integer call() throws IOException {
    CoordinatorConfig cfg = connection.load();
    try (ConsulHttp http = ConsulHttp.create(cfg.consulSettings())) {
      PublishedFleet read =
          PublishedFleet.read(new KvClient(http), new TxnWriter(http), cfg.layout());
      read.warnings().forEach(w -> System.err.println("warning: " + w));
      FleetView fleet = FleetView.of(read);
      if (output.json()) {
        OutputFormat.print(System.out, fleet);
      } else {
        print(System.out, fleet);
      }
    }
    return ExitCodes.OK;
  }

  static void print(PrintStream out, FleetView fleet) {
    String fmt = "%-24s %8s %7s %6s %10s %8s %4s  %s%n";
    out.printf(
        fmt, "NODE", "TARGETS", "COST", "RULES", "PUBLISHED", "APPLIED", "LAG", "LAST ERROR");
    for (FleetView.Node n : fleet.nodes()) {
      String error =
          n.lastError() == null
              ? "no agent status"
              : n.lastError().isEmpty() ? "-" : n.lastError().lines().findFirst().orElse("");
      out.printf(
          fmt,
          n.node(),
          n.targets(),
          n.costPercent() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", n.costPercent()),
          n.rules(),
          n.published(),
          n.applied() == null ? "-" : n.applied(),
          n.lag() == null ? "-" : n.lag(),
          error);
    }
    printPrometheus(out, fleet.nodes());
    CoordinatorStatus coordinator = fleet.coordinator();
    if (coordinator == null) {
      out.println("\ncoordinator: no status written yet");
      return;
    }
    out.printf(
        "%ncoordinator: %s (epoch %d)%n",
        coordinator.holder().isEmpty() ? "no leader" : coordinator.holder(), coordinator.epoch());
    coordinator.nodeConflicts().forEach(line -> out.println("conflict: " + line));
    if (!coordinator.problem().isEmpty()) {
      out.println("problem: " + coordinator.problem());
    }
    if (coordinator.hold() != null) {
      var hold = coordinator.hold();
      out.printf(
          "HELD since %s, nothing is written: %s%n  hold %s; released by %s%n",
          hold.since(), hold.reason(), hold.id(), hold.release());
    }
    coordinator.configErrors().forEach((k, v) -> out.println("config error: " + v));
    coordinator.sourceErrors().forEach((k, v) -> out.println("source error: " + k + ": " + v));
    if (!coordinator.pending().isEmpty()) {
      out.println("pending (within flap_hold): " + coordinator.pending());
    }
    if (coordinator.handovers() != null) {
      var h = coordinator.handovers();
      out.printf(
          "handovers: %d targets and %d records kept on their old owners until the new ones"
              + " scraped or evaluated them; per new owner %s; oldest since %s, times out %s%n",
          h.targets(), h.records(), h.byNode(), h.oldest(), h.timesOut());
      h.named().forEach(line -> out.println("  " + line));
    }
    printLoad(out, coordinator.load());
    if (coordinator.lastDispatch() != null) {
      var d = coordinator.lastDispatch();
      out.printf(
          "last change: %s, %d targets and %d rules over %d nodes, %d moved, %d keys written in %d ms%n",
          d.at(), d.targets(), d.rules(), d.nodes(), d.moved(), d.keysWritten(), d.durationMs());
    }
    if (coordinator.recordsAutoImport() != null) {
      var r = coordinator.recordsAutoImport();
      out.println("records auto import: " + r.line());
      r.addedNamed().forEach(line -> out.println("  added " + line));
      r.invalidNamed().forEach(line -> out.println("  invalid " + line));
      r.heldNamed().forEach(line -> out.println("  held back " + line));
    }
  }

  /**
   * Placement by observed load, if on: moves and deferred changes against the budget, targets that
   * fit on no server, and per server the estimated series against the most it may be planned.
   */
  private static void printLoad(PrintStream out, CoordinatorStatus.LoadSummary load) {
    if (load == null) {
      return;
    }
    out.printf(
        "load: %d targets measured; re-weighing moved %d at the last dispatch, %d in the last hour"
            + " (max_load_moves_per_hour %d); %d cost changes deferred%n",
        load.measured(), load.moves(), load.movesLastHour(), load.movesPerHour(), load.deferred());
    if (load.unplaced() > 0) {
      out.printf(
          "UNPLACED: %d targets fit on no server under its max_series and are not scraped: %s%n",
          load.unplaced(), load.unplacedNamed());
    }
    load.seriesByNode()
        .forEach(
            (node, series) ->
                out.printf(
                    Locale.ROOT,
                    "  %-24s estimated series %,d of at most %,d%n",
                    node,
                    series,
                    load.boundByNode().getOrDefault(node, 0L)));
  }

  /**
   * Each agent's Prometheus as it reports it: the version, and one line per thing the node's share
   * asks that this version cannot do (e.g. per-job scrape settings before 2.43).
   */
  private static void printPrometheus(PrintStream out, List<FleetView.Node> nodes) {
    nodes.stream()
        .filter(n -> n.prometheus() != null)
        .forEach(
            n -> {
              String version = n.prometheus().version();
              out.printf(
                  "%s: Prometheus %s%n",
                  n.node(), version.isEmpty() ? "(version not read yet)" : version);
              n.prometheus().limits().forEach(limit -> out.println("  limit: " + limit));
            });
  }
}

package io.promeshard.coordinator.web;

import static io.promeshard.coordinator.web.Html.esc;

import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.dispatch.DispatchState;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.PublishedFleet;
import io.promeshard.coordinator.publish.RecordsImportStatus;
import io.promeshard.protocol.ops.OpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The coordinator's status page, served at {@code /} on its listen address by every copy: the fleet
 * (each server's targets, cost share against its bound as a bar, published and applied generation,
 * lag, last error, zone, weight, Prometheus), what is held or pending, config and source errors,
 * recent dispatches, and a search that explains where a job's target is and why.
 *
 * <p>What is published and reported is read from Consul, so a standby shows the same fleet as the
 * leader; a read is reused for {@link #MAX_AGE} so a page left reloading costs Consul little. The
 * page is plain HTML with a few lines of JavaScript (reload every 15 s unless the search is in use)
 * and loads nothing from elsewhere.
 */
public final class StatusPage implements OpsServer.Page {
  /** How long one read of Consul serves the page. */
  static final Duration MAX_AGE = Duration.ofSeconds(2);

  /** Where the page reads what it shows. */
  public interface Sources {
    /** What Consul holds: shares, config, agent and coordinator status. */
    PublishedFleet read() throws IOException;

    /** This copy's state: role, members with zone and weight, settings. */
    DispatchState state();

    /** This copy's last dispatch, or null (a standby). */
    DispatchReport lastReport();
  }

  private record Cached(Instant at, PublishedFleet fleet) {}

  private final Sources sources;
  private final Clock clock;
  private volatile Cached cached;

  public StatusPage(Sources sources, Clock clock) {
    this.sources = sources;
    this.clock = clock;
  }

  @Override
  public OpsServer.Reply get(Map<String, String> query) {
    PublishedFleet fleet;
    try {
      fleet = fleet();
    } catch (IOException | UncheckedIOException e) {
      return OpsServer.Reply.html(
          503, page("<p class=\"error\">Consul cannot be read: " + esc(e.getMessage()) + "</p>"));
    }
    return OpsServer.Reply.html(200, page(body(fleet, query)));
  }

  private PublishedFleet fleet() throws IOException {
    Cached c = cached;
    Instant now = clock.instant();
    if (c == null || c.at().plus(MAX_AGE).isBefore(now)) {
      c = new Cached(now, sources.read());
      cached = c;
    }
    return c.fleet();
  }

  private String body(PublishedFleet fleet, Map<String, String> query) {
    DispatchState state = sources.state();
    FleetView view = FleetView.of(fleet);
    CoordinatorStatus active = view.coordinator();
    StringBuilder b = new StringBuilder();
    b.append("<header><h1>prome-shard</h1><p id=\"role\">this coordinator: ")
        .append(esc(role(state)))
        .append(" · active: ")
        .append(
            active == null || active.holder().isEmpty()
                ? "no leader"
                : esc(active.holder()) + " (epoch " + active.epoch() + ")")
        .append("</p></header>\n");
    if (active != null && active.hold() != null) {
      var h = active.hold();
      b.append("<p class=\"held\" id=\"hold\">Dispatch HELD since ")
          .append(esc(h.since()))
          .append(", nothing is written: ")
          .append(esc(h.reason()))
          .append(" (hold ")
          .append(esc(h.id()))
          .append("; released by ")
          .append(esc(h.release()))
          .append(")</p>\n");
    }
    if (active != null && !active.problem().isEmpty()) {
      b.append("<p class=\"error\">").append(esc(active.problem())).append("</p>\n");
    }
    search(b, fleet, query);
    fleetTable(b, view, state);
    problems(b, active, fleet.warnings());
    recent(b, active);
    recordsImport(b, active);
    return b.toString();
  }

  private static String role(DispatchState state) {
    if (state == null) {
      return "starting";
    }
    return switch (state.mode()) {
      case DRY_RUN -> "dry run";
      case PUBLISH ->
          state.term() == null ? "standby" : "leader (epoch " + state.term().epoch() + ")";
    };
  }

  private void search(StringBuilder b, PublishedFleet fleet, Map<String, String> query) {
    String job = query.getOrDefault("job", "").strip();
    String address = query.getOrDefault("address", "").strip();
    b.append("<form id=\"search\" method=\"get\" action=\"/\">")
        .append("<label>job <input id=\"job\" name=\"job\" value=\"")
        .append(esc(job))
        .append("\"></label> <label>address <input id=\"address\" name=\"address\" value=\"")
        .append(esc(address))
        .append("\" placeholder=\"host:port\"></label> <button type=\"submit\">explain</button>")
        .append("</form>\n");
    if (!job.isEmpty() && !address.isEmpty()) {
      b.append("<pre id=\"explain\">")
          .append(esc(Explain.answer(sources.lastReport(), fleet, job, address)))
          .append("</pre>\n");
    }
  }

  private static void fleetTable(StringBuilder b, FleetView view, DispatchState state) {
    Map<String, Member> members = state == null ? Map.of() : state.members();
    double balance = state == null ? 0.05 : state.config().settings().balance();
    double weights = members.values().stream().mapToDouble(Member::weight).sum();
    double scale = 1;
    for (FleetView.Node n : view.nodes()) {
      scale = Math.max(scale, n.costPercent() == null ? 0 : n.costPercent());
      Double bound = bound(members.get(n.node()), weights, balance);
      scale = Math.max(scale, bound == null ? 0 : bound);
    }
    scale *= 1.1;
    b.append("<h2>Servers</h2>\n<table id=\"fleet\"><thead><tr>")
        .append("<th>server</th><th>zone</th><th>weight</th><th>targets</th><th>cost</th>")
        .append("<th>cost against bound</th><th>rules</th><th>published</th><th>applied</th>")
        .append("<th>lag</th><th>Prometheus</th><th>last error</th></tr></thead><tbody>\n");
    for (FleetView.Node n : view.nodes()) {
      Member m = members.get(n.node());
      Double bound = bound(m, weights, balance);
      boolean lagging = n.lag() != null && n.lag() > 0;
      b.append("<tr data-node=\"")
          .append(esc(n.node()))
          .append("\"")
          .append(m == null ? " class=\"gone\"" : "")
          .append("><td>")
          .append(esc(n.node()))
          .append(m == null ? " <small>(not a member)</small>" : "")
          .append("</td><td>")
          .append(m == null || m.zone().isEmpty() ? "-" : esc(m.zone()))
          .append("</td><td>")
          .append(m == null ? "-" : fmt(m.weight()))
          .append("</td><td class=\"num targets\">")
          .append(n.targets())
          .append("</td><td class=\"num\">")
          .append(n.costPercent() == null ? "-" : fmt(n.costPercent()) + "%")
          .append("</td><td>")
          .append(bar(n.costPercent(), bound, scale))
          .append("</td><td class=\"num\">")
          .append(n.rules())
          .append("</td><td class=\"num\">")
          .append(n.published())
          .append("</td><td class=\"num\">")
          .append(n.applied() == null ? "-" : n.applied())
          .append("</td><td class=\"num")
          .append(lagging ? " lag" : "")
          .append("\">")
          .append(n.lag() == null ? "-" : n.lag())
          .append("</td><td>")
          .append(n.prometheus() == null ? "-" : esc(prometheus(n)))
          .append("</td><td class=\"err\">")
          .append(
              n.lastError() == null
                  ? "no agent status"
                  : n.lastError().isEmpty() ? "" : esc(n.lastError()))
          .append("</td></tr>\n");
    }
    b.append("</tbody></table>\n<p class=\"note\">cost: the server's share of the fleet's")
        .append(" cost (targets × job weight); bound: its weight's share × (1 + balance ")
        .append(fmt(balance))
        .append(").</p>\n");
  }

  /** A member's cost bound in percent of the fleet's: its weight's share × (1 + balance). */
  private static Double bound(Member m, double weights, double balance) {
    return m == null || weights == 0 ? null : 100 * m.weight() / weights * (1 + balance);
  }

  private static String prometheus(FleetView.Node n) {
    String v = n.prometheus().version().isEmpty() ? "?" : n.prometheus().version();
    return n.prometheus().limits().isEmpty()
        ? v
        : v + " — " + String.join("; ", n.prometheus().limits());
  }

  /** A bar for the cost share with a mark at the bound, both scaled to {@code scale}. */
  private static String bar(Double cost, Double bound, double scale) {
    if (cost == null) {
      return "";
    }
    boolean over = bound != null && cost > bound;
    StringBuilder b =
        new StringBuilder("<div class=\"bar\" title=\"")
            .append(fmt(cost))
            .append("%")
            .append(bound == null ? "" : " of a " + fmt(bound) + "% bound")
            .append("\"><span class=\"")
            .append(over ? "over" : "fill")
            .append("\" style=\"width:")
            .append(String.format(Locale.ROOT, "%.1f", 100 * cost / scale))
            .append("%\"></span>");
    if (bound != null) {
      b.append("<i style=\"left:")
          .append(String.format(Locale.ROOT, "%.1f", 100 * bound / scale))
          .append("%\"></i>");
    }
    return b.append("</div>").toString();
  }

  private static void problems(StringBuilder b, CoordinatorStatus active, List<String> warnings) {
    StringBuilder items = new StringBuilder();
    if (active != null) {
      if (active.handovers() != null) {
        var h = active.handovers();
        items
            .append("<li class=\"handover\">handovers: ")
            .append(h.targets())
            .append(" targets and ")
            .append(h.records())
            .append(" records kept on their old servers until the new ones scraped them; per new")
            .append(" server ")
            .append(esc(h.byNode()))
            .append("; oldest since ")
            .append(esc(h.oldest()))
            .append(", times out ")
            .append(esc(h.timesOut()));
        h.named().forEach(line -> items.append("<br><code>").append(esc(line)).append("</code>"));
        items.append("</li>\n");
      }
      load(items, active.load());
      if (!active.pending().isEmpty()) {
        items
            .append("<li>within flap_hold: ")
            .append(esc(String.join(", ", active.pending())))
            .append("</li>\n");
      }
      active
          .configErrors()
          .forEach(
              (k, v) ->
                  items.append("<li class=\"error\">config: ").append(esc(v)).append("</li>\n"));
      active
          .sourceErrors()
          .forEach(
              (k, v) ->
                  items
                      .append("<li class=\"error\">source ")
                      .append(esc(k))
                      .append(": ")
                      .append(esc(v))
                      .append("</li>\n"));
      if (active.rejectedTargets() != null) {
        items
            .append("<li class=\"error\">")
            .append(active.rejectedTargets().count())
            .append(" targets cannot be published and were left out");
        active
            .rejectedTargets()
            .named()
            .forEach(line -> items.append("<br><code>").append(esc(line)).append("</code>"));
        items.append("</li>\n");
      }
      active
          .nodeConflicts()
          .forEach(
              line ->
                  items
                      .append("<li class=\"error\">conflict: ")
                      .append(esc(line))
                      .append("</li>\n"));
    }
    warnings.forEach(
        w -> items.append("<li class=\"error\">unreadable: ").append(esc(w)).append("</li>\n"));
    b.append("<h2>Pending and errors</h2>\n<ul id=\"problems\">")
        .append(items.length() == 0 ? "<li>none</li>\n" : items)
        .append("</ul>\n");
  }

  /** Placement by observed load: moves against the budget, deferred changes, unplaced targets. */
  private static void load(StringBuilder items, CoordinatorStatus.LoadSummary load) {
    if (load == null) {
      return;
    }
    items
        .append("<li class=\"load\" id=\"load\">placed by load: ")
        .append(load.measured())
        .append(" targets measured; re-weighing moved ")
        .append(load.moves())
        .append(" at the last dispatch, ")
        .append(load.movesLastHour())
        .append(" in the last hour of ")
        .append(load.movesPerHour())
        .append(" allowed; ")
        .append(load.deferred())
        .append(" cost changes deferred; estimated series per server ")
        .append(esc(load.seriesByNode()))
        .append(", at most ")
        .append(esc(load.boundByNode()))
        .append("</li>\n");
    if (load.unplaced() > 0) {
      items
          .append("<li class=\"error\">")
          .append(load.unplaced())
          .append(" targets fit on no server under its max_series and are not scraped: ")
          .append(esc(load.unplacedNamed()))
          .append("</li>\n");
    }
  }

  private static void recent(StringBuilder b, CoordinatorStatus active) {
    b.append("<h2>Recent dispatches</h2>\n<table id=\"dispatches\"><thead><tr>")
        .append("<th>at</th><th>servers</th><th>targets</th><th>rules</th><th>moved</th>")
        .append("<th>servers changed</th><th>keys written</th><th>bytes written</th><th>ms</th>")
        .append("</tr></thead><tbody>\n");
    List<CoordinatorStatus.DispatchSummary> recent =
        active == null
            ? List.of()
            : !active.recentDispatches().isEmpty()
                ? active.recentDispatches()
                : active.lastDispatch() == null ? List.of() : List.of(active.lastDispatch());
    for (CoordinatorStatus.DispatchSummary d : recent) {
      b.append("<tr><td>")
          .append(esc(d.at()))
          .append("</td><td class=\"num\">")
          .append(d.nodes())
          .append("</td><td class=\"num\">")
          .append(d.targets())
          .append("</td><td class=\"num\">")
          .append(d.rules())
          .append("</td><td class=\"num\">")
          .append(d.moved())
          .append("</td><td class=\"num\">")
          .append(d.changedNodes())
          .append("</td><td class=\"num\">")
          .append(d.keysWritten())
          .append("</td><td class=\"num\">")
          .append(d.bytesWritten())
          .append("</td><td class=\"num\">")
          .append(d.durationMs())
          .append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");
  }

  /** The last automatic import of slow queries, when the active coordinator ran one. */
  private static void recordsImport(StringBuilder b, CoordinatorStatus active) {
    if (active == null || active.recordsAutoImport() == null) {
      return;
    }
    RecordsImportStatus r = active.recordsAutoImport();
    b.append("<h2>Automatic records import</h2>\n<p id=\"records-import\"")
        .append(r.result().equals(RecordsImportStatus.OK) ? "" : " class=\"error\"")
        .append(">")
        .append(esc(r.line()))
        .append("</p>\n<ul>");
    r.addedNamed().forEach(l -> b.append("<li>added <code>").append(esc(l)).append("</code></li>"));
    r.invalidNamed()
        .forEach(
            l ->
                b.append("<li class=\"error\">invalid <code>")
                    .append(esc(l))
                    .append("</code></li>"));
    r.heldNamed()
        .forEach(l -> b.append("<li>held back <code>").append(esc(l)).append("</code></li>"));
    b.append("</ul>\n");
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.2f", d);
  }

  private static String page(String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>prome-shard</title><style>"
        + STYLE
        + "</style></head><body>\n"
        + body
        + "<footer><a href=\"/metrics\">metrics</a> · <a href=\"/healthz\">healthz</a></footer>\n"
        + "<script>"
        + SCRIPT
        + "</script></body></html>\n";
  }

  private static final String STYLE =
      "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
          + "h1{margin:0;font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}"
          + "table{border-collapse:collapse}td,th{padding:.25em .6em;border-bottom:1px solid #ddd;"
          + "text-align:left;vertical-align:top}td.num{text-align:right}"
          + ".bar{position:relative;width:12em;height:.9em;background:#eee}"
          + ".bar span{position:absolute;left:0;top:0;bottom:0}.bar .fill{background:#4a7fc1}"
          + ".bar .over{background:#c1524a}.bar i{position:absolute;top:-.2em;bottom:-.2em;"
          + "border-left:2px solid #222}.error,.err,.lag{color:#b3261e}"
          + ".held{background:#fde7e7;padding:.5em;border:1px solid #b3261e}"
          + "tr.gone{color:#888}.note{color:#666;font-size:.9em}"
          + "pre{background:#f5f5f5;padding:.6em;overflow:auto}footer{margin-top:2em;color:#666}";

  /** Reloads the page every 15 s unless someone is typing a search. */
  private static final String SCRIPT =
      "setInterval(function(){var a=document.activeElement;"
          + "if(!a||a.tagName!=='INPUT'){location.reload();}},15000);";
}

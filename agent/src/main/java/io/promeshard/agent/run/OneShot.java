package io.promeshard.agent.run;

import io.promeshard.agent.apply.Applier;
import io.promeshard.agent.apply.ApplyException;
import io.promeshard.agent.apply.ApplyResult;
import io.promeshard.agent.apply.FileChange;
import io.promeshard.agent.apply.OutputConfig;
import io.promeshard.agent.apply.OutputPlan;
import io.promeshard.agent.apply.PrometheusBuild;
import io.promeshard.agent.apply.Reloader;
import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.ReloadOn;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.agent.status.StatusWriter;
import io.promeshard.agent.watch.ShareBudget;
import io.promeshard.agent.watch.Snapshot;
import io.promeshard.agent.watch.SnapshotReader;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.cli.ExitCodes;
import io.promeshard.protocol.consul.CallHandle;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.ReplyTooLargeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code run --once} and {@code run --dry-run}: one non-blocking read of {@code nodes/<node>/},
 * then apply it (reloading as {@code reload_on} says, writing {@code status/<node>}) or only print
 * what would change. Returns the exit code: 0 done, 1 when Consul cannot be read, no complete share
 * is there, the share is too large for this heap (see {@link ShareBudget}), or applying failed. No
 * registration. Bad templates throw RenderException (a config error).
 */
public final class OneShot {
  private static final Duration RELOAD_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration API_TIMEOUT = Duration.ofSeconds(5);

  private final AgentConfig config;
  private final PrintWriter out;
  private final PrintWriter err;

  public OneShot(AgentConfig config, PrintWriter out, PrintWriter err) {
    this.config = config;
    this.out = out;
    this.err = err;
  }

  public int run(boolean dryRun) {
    Renderer renderer = new Renderer(Templates.directoryOrBundled(config.templatesDir()));
    renderer.check();
    try (ConsulHttp http = ConsulHttp.create(config.consul())) {
      KvClient kv = new KvClient(http);
      SnapshotReader reader = new SnapshotReader(config.layout(), config.node());
      List<KvEntry> entries;
      ShareBudget budget = ShareBudget.ofThisProcess();
      try {
        entries =
            kv.list(reader.nodeDir(), 0, Duration.ZERO, new CallHandle(), budget.maxReplyBytes())
                .value();
      } catch (ReplyTooLargeException e) {
        String error = budget.tooLarge(reader.nodeDir(), e.bytes());
        err.println(error + "; no file changed");
        if (!dryRun) {
          reportError(kv, error);
        }
        return ExitCodes.RUNTIME;
      } catch (IOException e) {
        err.println(
            "cannot read "
                + reader.nodeDir()
                + " from "
                + config.consul().address()
                + ": "
                + e.getMessage());
        return ExitCodes.RUNTIME;
      }
      Snapshot s = reader.read(entries);
      if (!(s instanceof Snapshot.Complete c)) {
        err.println(describe(reader.nodeDir(), s) + "; no file changed");
        if (s instanceof Snapshot.Malformed bad && !dryRun) {
          reportError(kv, bad.error());
        }
        return ExitCodes.RUNTIME;
      }
      try (PrometheusBuild build =
          new PrometheusBuild(config.prometheusUrl().toString(), API_TIMEOUT)) {
        Applier applier = new Applier(renderer, OutputConfig.from(config), build);
        OutputPlan plan = applier.plan(c.share());
        out.println(
            "node "
                + config.node()
                + ": generation "
                + c.generation()
                + " (epoch "
                + c.manifest().epoch()
                + ")");
        return dryRun ? printPlan(plan) : apply(applier, plan, c, kv);
      } catch (ApplyException e) {
        err.println(
            "applying generation " + c.generation() + " failed, files kept: " + e.getMessage());
        return ExitCodes.RUNTIME;
      }
    }
  }

  private int printPlan(OutputPlan plan) {
    plan.describe().forEach(out::println);
    boolean reload =
        switch (config.reloadOn()) {
          case RULES -> plan.needsReload();
          case ALWAYS -> !plan.isEmpty();
          case NEVER -> false;
        };
    out.println("reload: " + (reload ? "yes" : "no") + " (reload_on " + config.reloadOn() + ")");
    out.println("dry run: nothing written");
    return ExitCodes.OK;
  }

  private int apply(Applier applier, OutputPlan plan, Snapshot.Complete c, KvClient kv)
      throws ApplyException {
    ApplyResult r;
    try (Reloader reloader =
        config.reloadOn() == ReloadOn.NEVER
            ? null
            : new Reloader(
                config.reloadUrl().toString(), RELOAD_CONNECT_TIMEOUT, config.reloadTimeout())) {
      r = applier.apply(plan, reloader);
    }
    for (FileChange f : r.targetChanges()) {
      out.println(f.describe());
    }
    for (FileChange f : r.ruleChanges()) {
      out.println(f.describe() + (r.rolledBack() ? " (rolled back)" : ""));
    }
    if (!r.changed()) {
      out.println("no changes");
    }
    out.println(
        "reload: "
            + (r.reload() == null
                ? "none"
                : r.reload().ok() ? "ok" : "failed: " + r.reload().message()));
    NodeStatus before = r.ok() ? null : previousStatus(kv);
    NodeStatus status =
        new NodeStatus(
            config.node(),
            r.ok() ? c.generation() : before.appliedGeneration(),
            r.ok() ? c.manifest().epoch() : before.epoch(),
            r.files(),
            r.reload() == null ? null : r.reload().toStatus(),
            r.error(),
            Instant.now().toString(),
            List.of(),
            null,
            plan.support().info());
    plan.support().limit().ifPresent(limit -> err.println("warning: " + limit));
    new StatusWriter(kv, config.layout(), config.node(), null).write(status);
    if (!r.ok()) {
      err.println("generation " + c.generation() + " not fully applied: " + r.error());
      return ExitCodes.RUNTIME;
    }
    return ExitCodes.OK;
  }

  /** Writes {@code error} into {@code status/<node>}, keeping what was applied before. */
  private void reportError(KvClient kv, String error) {
    NodeStatus before = previousStatus(kv);
    new StatusWriter(kv, config.layout(), config.node(), null)
        .write(
            NodeStatus.of(
                config.node(),
                before.appliedGeneration(),
                before.epoch(),
                before.files(),
                before.reload(),
                error,
                Instant.now().toString()));
  }

  /**
   * The status a previous run left, so a failed run does not report generation 0; empty when
   * unreadable.
   */
  private NodeStatus previousStatus(KvClient kv) {
    String key = config.layout().nodeStatus(config.node());
    try {
      return kv.get(key)
          .map(e -> Json.decode(key, e.value(), NodeStatus.class))
          .orElse(NodeStatus.of(config.node(), 0, 0, List.of(), null, "", ""));
    } catch (IOException | RuntimeException e) {
      return NodeStatus.of(config.node(), 0, 0, List.of(), null, "", "");
    }
  }

  private static String describe(String dir, Snapshot s) {
    if (s instanceof Snapshot.NoManifest) {
      return "no manifest under " + dir + ": nothing published for this node yet";
    }
    if (s instanceof Snapshot.Incomplete inc) {
      return dir
          + ": generation "
          + inc.generation()
          + " is incomplete: "
          + String.join(", ", inc.problems());
    }
    return dir + ": malformed share: " + ((Snapshot.Malformed) s).error();
  }
}

package io.promeshard.agent.status;

import io.promeshard.agent.apply.ApplyResult;
import io.promeshard.agent.apply.ApplyStatus;
import io.promeshard.agent.apply.ReloadResult;
import io.promeshard.agent.watch.Snapshot;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * What the apply loop reports: the generation whose files are all in place, those files, the last
 * reload, the current error, what Prometheus has not done yet (when observed) and what the agent
 * knows of its Prometheus (version, limits), plus the "say it once" logging of snapshots that are
 * not applied. Mutated by the apply thread only; {@link #current()} may be read from any thread.
 */
public final class StatusBook implements ApplyStatus {
  private final String node;
  private long appliedGeneration;
  private long epoch;
  private List<NodeStatus.FileStatus> files = List.of();
  private NodeStatus.Reload reload;
  private String snapshotError = "";
  private String applyError = "";
  private String rulesError = "";
  private Map<String, List<RecordRule>> rulesErrorFor;
  private List<NodeStatus.RejectedRule> rejectedRules = List.of();
  private NodeStatus.Observed observed;
  private NodeStatus.PrometheusInfo prometheus;
  private boolean noManifestSaid;
  private long incompleteSaid = -1;
  private volatile NodeStatus current;

  public StatusBook(String node) {
    this.node = node;
    this.current = NodeStatus.of(node, 0, 0, List.of(), null, "", "");
  }

  @Override
  public NodeStatus current() {
    return current;
  }

  @Override
  public void noManifest(Logger log) {
    if (!noManifestSaid) {
      log.info("[watch] {}: no manifest published for this node yet; nothing to apply", node);
      noManifestSaid = true;
    }
  }

  @Override
  public void incomplete(Logger log, Snapshot.Incomplete s) {
    if (incompleteSaid != s.generation()) {
      log.info(
          "[watch] {}: generation {} not complete yet ({}), keeping generation {}",
          node,
          s.generation(),
          summary(s.problems()),
          appliedGeneration);
      incompleteSaid = s.generation();
    } else {
      log.debug(
          "[watch] {}: generation {} still incomplete: {}", node, s.generation(), s.problems());
    }
  }

  @Override
  public void malformed(Logger log, String error) {
    if (!error.equals(snapshotError)) {
      log.error(
          "[watch] {}: malformed share, keeping generation {}: {}", node, appliedGeneration, error);
    }
    snapshotError = error;
  }

  @Override
  public void tooLarge(Logger log, String error) {
    if (!error.equals(snapshotError)) {
      log.error("[watch] {}: keeping generation {}: {}", node, appliedGeneration, error);
    }
    snapshotError = error;
  }

  @Override
  public void complete() {
    noManifestSaid = false;
    snapshotError = "";
  }

  @Override
  public void applied(Logger log, Snapshot.Complete c, ApplyResult r) {
    boolean changed =
        c.generation() != appliedGeneration || c.manifest().epoch() != epoch || r.changed();
    appliedGeneration = c.generation();
    epoch = c.manifest().epoch();
    if (changed) {
      log.info(
          "[apply] {}: generation {} (epoch {}) applied: {} targets in {} jobs, {} rules in {} groups{}",
          node,
          appliedGeneration,
          epoch,
          c.share().targetCount(),
          c.share().targets().size(),
          c.share().ruleCount(),
          c.share().rules().size(),
          r.reload() == null ? "" : ", reloaded");
    }
  }

  @Override
  public void files(List<NodeStatus.FileStatus> now) {
    files = List.copyOf(now);
  }

  @Override
  public void reload(ReloadResult r) {
    reload = r.toStatus();
  }

  @Override
  public void applyError(String error) {
    applyError = Objects.requireNonNullElse(error, "");
  }

  @Override
  public String applyErrorText() {
    return applyError;
  }

  /**
   * The error of rules that were rejected; it stays the current error while the share still has
   * those rules.
   */
  @Override
  public void rulesError(String error, Map<String, List<RecordRule>> forRules) {
    rulesError = Objects.requireNonNullElse(error, "");
    rulesErrorFor = forRules;
  }

  @Override
  public void rejectedRules(List<NodeStatus.RejectedRule> rules) {
    rejectedRules = List.copyOf(rules);
  }

  @Override
  public void prometheus(NodeStatus.PrometheusInfo info) {
    prometheus = info;
  }

  @Override
  public void observed(NodeStatus.Observed now) {
    observed = now;
  }

  /** Composes the status now; {@code latestRules} are the rules of the newest complete share. */
  @Override
  public NodeStatus compose(Map<String, List<RecordRule>> latestRules) {
    String error =
        !snapshotError.isEmpty()
            ? snapshotError
            : !applyError.isEmpty()
                ? applyError
                : rulesErrorFor != null && rulesErrorFor.equals(latestRules) ? rulesError : "";
    NodeStatus s =
        new NodeStatus(
            node,
            appliedGeneration,
            epoch,
            files,
            reload,
            error,
            Instant.now().toString(),
            rejectedRules,
            observed,
            prometheus);
    current = s;
    return s;
  }

  private static String summary(List<String> problems) {
    return problems.size() <= 3
        ? String.join(", ", problems)
        : String.join(", ", problems.subList(0, 3)) + " and " + (problems.size() - 3) + " more";
  }
}

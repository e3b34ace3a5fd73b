package io.promeshard.agent.apply;

import io.promeshard.agent.watch.Snapshot;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What the apply loop records for the node's status: the snapshots it saw, the generation applied,
 * the files, the last reload and the current error. Called on the apply thread only, except {@link
 * #current()}; implementations do no I/O and do not throw.
 */
public interface ApplyStatus {
  NodeStatus current();

  void noManifest(Logger log);

  void incomplete(Logger log, Snapshot.Incomplete s);

  void malformed(Logger log, String error);

  /** The share is too large for the heap ({@link Snapshot.TooLarge}); files stay as they are. */
  void tooLarge(Logger log, String error);

  void complete();

  void applied(Logger log, Snapshot.Complete c, ApplyResult r);

  void files(List<NodeStatus.FileStatus> now);

  void reload(ReloadResult r);

  void applyError(String error);

  String applyErrorText();

  /**
   * The error of rules that were rejected; it stays the current error while the share still has
   * those rules.
   */
  void rulesError(String error, Map<String, List<RecordRule>> forRules);

  /** The rules left out because Prometheus rejected them (empty: none). */
  void rejectedRules(List<NodeStatus.RejectedRule> rules);

  /** What the agent knows of its Prometheus (null: nothing). */
  default void prometheus(NodeStatus.PrometheusInfo info) {}

  /** What the agent has seen its Prometheus not do yet (null: not observed). */
  void observed(NodeStatus.Observed observed);

  /** Composes the status now; {@code latestRules} are the rules of the newest complete share. */
  NodeStatus compose(Map<String, List<RecordRule>> latestRules);
}

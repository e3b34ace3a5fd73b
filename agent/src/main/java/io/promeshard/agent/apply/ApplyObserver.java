package io.promeshard.agent.apply;

import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.util.List;
import java.util.Map;

/**
 * Follows what the local Prometheus does with the files the apply loop writes. The apply loop tells
 * it, on its own thread and right after the fact, which targets its files hold and which rules a
 * reload loaded, and asks it what is still pending each time it composes the status, so a status
 * that reports a generation applied always names that generation's targets not scraped yet.
 * Implementations return at once (no I/O) and do not throw.
 */
public interface ApplyObserver {
  /** The target files now hold {@code targets} (job → groups); called after every apply. */
  void targetsWritten(Map<String, List<TargetGroup>> targets);

  /** Prometheus accepted a reload with {@code rules} (group → records) in the rule files. */
  void rulesLoaded(Map<String, List<RecordRule>> rules);

  /** What is pending now, for {@code status/<node>}. */
  NodeStatus.Observed observed();
}

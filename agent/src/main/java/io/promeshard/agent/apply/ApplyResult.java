package io.promeshard.agent.apply;

import io.promeshard.protocol.NodeStatus;
import java.util.List;

/**
 * What one apply did: the target and rule files it created, updated or removed, the reload it ran
 * (null when none was needed), whether the rule files were rolled back, the error ("" when none)
 * and every file now in place with its count and sha256, for {@code status/<node>}.
 */
public record ApplyResult(
    List<FileChange> targetChanges,
    List<FileChange> ruleChanges,
    ReloadResult reload,
    boolean rolledBack,
    String error,
    List<NodeStatus.FileStatus> files) {

  public ApplyResult {
    targetChanges = List.copyOf(targetChanges);
    ruleChanges = List.copyOf(ruleChanges);
    error = error == null ? "" : error;
    files = List.copyOf(files);
  }

  public boolean ok() {
    return error.isEmpty();
  }

  public boolean changed() {
    return !targetChanges.isEmpty() || !ruleChanges.isEmpty();
  }
}

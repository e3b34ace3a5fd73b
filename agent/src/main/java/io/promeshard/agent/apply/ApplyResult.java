package io.promeshard.agent.apply;

import io.promeshard.protocol.NodeStatus;
import java.util.List;

/**
 * What one apply did: the target files and the files of its transaction ({@code ruleChanges}: rule
 * files and scrape configs) it created, updated or removed, the reload it ran (null when none was
 * needed), whether the transaction was rolled back, the error ("" when none), what kind of failure
 * that error is, and every file now in place with its count and sha256, for {@code status/<node>}.
 */
public record ApplyResult(
    List<FileChange> targetChanges,
    List<FileChange> ruleChanges,
    ReloadResult reload,
    boolean rolledBack,
    String error,
    Failure failure,
    List<NodeStatus.FileStatus> files) {

  /**
   * Why an apply failed. Only {@link #REJECTED} says something about the content; the others pass
   * by themselves and are retried as they are.
   */
  public enum Failure {
    NONE,
    /** A rule check refused the files, or Prometheus answered the reload with an error. */
    REJECTED,
    /** An output directory could not be written (read-only, full, permissions). */
    UNWRITABLE,
    /** Prometheus did not answer the reload (down, timed out, still starting). */
    UNREACHABLE
  }

  public ApplyResult {
    targetChanges = List.copyOf(targetChanges);
    ruleChanges = List.copyOf(ruleChanges);
    error = error == null ? "" : error;
    failure = error.isEmpty() ? Failure.NONE : failure;
    if (failure == null || (failure == Failure.NONE && !error.isEmpty())) {
      throw new IllegalArgumentException("apply error without its kind of failure: " + error);
    }
    files = List.copyOf(files);
  }

  public boolean ok() {
    return error.isEmpty();
  }

  public boolean changed() {
    return !targetChanges.isEmpty() || !ruleChanges.isEmpty();
  }
}

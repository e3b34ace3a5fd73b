package io.promeshard.agent.apply;

import io.promeshard.protocol.PartKey;
import java.util.List;

/**
 * Every output file a share maps to and what applying it would do, computed without writing
 * anything: the result of {@code --dry-run}, and the input of {@link Applier#apply(OutputPlan,
 * Reloader)}.
 */
public record OutputPlan(List<FileChange> files) {
  public OutputPlan {
    files = List.copyOf(files);
  }

  /** Files that would be created, updated or removed. */
  public List<FileChange> changes() {
    return files.stream().filter(FileChange::changes).toList();
  }

  public List<FileChange> changes(PartKey.Kind kind) {
    return files.stream().filter(f -> f.kind() == kind && f.changes()).toList();
  }

  public boolean isEmpty() {
    return changes().isEmpty();
  }

  /** Whether a rule file would change, i.e. whether a reload would follow. */
  public boolean rulesChange() {
    return !changes(PartKey.Kind.RULES).isEmpty();
  }

  /** One line per change, or "no changes". */
  public List<String> describe() {
    List<String> lines = changes().stream().map(FileChange::describe).toList();
    return lines.isEmpty() ? List.of("no changes") : lines;
  }
}

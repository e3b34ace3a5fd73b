package io.promeshard.agent.apply;

import io.promeshard.agent.render.OutputKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Every output file a share maps to and what applying it would do, computed without writing
 * anything: the result of {@code --dry-run}, and the input of {@link Applier#apply(OutputPlan,
 * Reloader)}. {@code support} says which jobs' scrape settings the local Prometheus cannot take
 * (those jobs have no file in the plan).
 */
public record OutputPlan(List<FileChange> files, ScrapeSupport support) {
  public OutputPlan {
    files = List.copyOf(files);
    support = support == null ? ScrapeSupport.UNKNOWN : support;
  }

  public OutputPlan(List<FileChange> files) {
    this(files, ScrapeSupport.UNKNOWN);
  }

  /** Files that would be created, updated or removed. */
  public List<FileChange> changes() {
    return files.stream().filter(FileChange::changes).toList();
  }

  public List<FileChange> changes(OutputKind kind) {
    return files.stream().filter(f -> f.kind() == kind && f.changes()).toList();
  }

  public boolean isEmpty() {
    return changes().isEmpty();
  }

  /** Whether a rule file would change. */
  public boolean rulesChange() {
    return !changes(OutputKind.RULES).isEmpty();
  }

  /** Whether a scrape-config file would change. */
  public boolean scrapeConfigsChange() {
    return !changes(OutputKind.SCRAPE_CONFIG).isEmpty();
  }

  /**
   * Whether a file Prometheus reads only on reload (a rule file or a scrape config) would change,
   * i.e. whether a reload would follow under {@code reload_on: rules}.
   */
  public boolean needsReload() {
    return rulesChange() || scrapeConfigsChange();
  }

  /** One line per change, or "no changes", then the version limit if any. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>(changes().stream().map(FileChange::describe).toList());
    if (lines.isEmpty()) {
      lines.add("no changes");
    }
    support.limit().ifPresent(lines::add);
    return List.copyOf(lines);
  }
}

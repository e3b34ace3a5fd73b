package io.promeshard.agent.render;

import java.util.Locale;

/**
 * What an output file holds: a job's targets ({@code <job>.json}, file_sd), a rule group ({@code
 * <group>.yml}) or a job's scrape config ({@code <job>.yml}, included through Prometheus' {@code
 * scrape_config_files}). {@link #dir()} is the name used in status and in the managed-file list.
 */
public enum OutputKind {
  TARGETS("targets", ".json", "job", "targets"),
  RULES("rules", ".yml", "rule group", "rules"),
  SCRAPE_CONFIG("scrape_configs", ".yml", "job", "scrape configs");

  private final String dir;
  private final String extension;
  private final String owner;
  private final String unit;

  OutputKind(String dir, String extension, String owner, String unit) {
    this.dir = dir;
    this.extension = extension;
    this.owner = owner;
    this.unit = unit;
  }

  /** "targets", "rules" or "scrape_configs": the kind in status and state file names. */
  public String dir() {
    return dir;
  }

  /** The extension the agent gives files of this kind. */
  public String extension() {
    return extension;
  }

  /** What the file is named after, for messages: "job" or "rule group". */
  public String owner() {
    return owner;
  }

  /** What {@link RenderResult#count()} counts, for messages: "targets", "rules". */
  public String unit() {
    return unit;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

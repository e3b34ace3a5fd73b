package io.promeshard.agent.apply;

import io.promeshard.agent.render.OutputKind;
import io.promeshard.agent.render.RenderResult;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * One output file and what applying a plan does to it. {@code render} is the new content, null only
 * for {@link Action#REMOVE}. Inconsistent arguments throw IllegalArgumentException.
 */
public record FileChange(Path path, OutputKind kind, Action action, RenderResult render) {
  /** What happens to the file. */
  public enum Action {
    CREATE,
    UPDATE,
    REMOVE,
    UNCHANGED;

    public String verb() {
      return switch (this) {
        case CREATE -> "create";
        case UPDATE -> "update";
        case REMOVE -> "remove";
        case UNCHANGED -> "keep";
      };
    }
  }

  public FileChange {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(action, "action");
    if ((render == null) != (action == Action.REMOVE)) {
      throw new IllegalArgumentException(
          path + ": " + action + " needs " + (render == null ? "content" : "no content"));
    }
    if (render != null && render.kind() != kind) {
      throw new IllegalArgumentException(
          path + ": " + kind + " file with " + render.kind() + " content");
    }
  }

  public boolean changes() {
    return action != Action.UNCHANGED;
  }

  /**
   * One line for logs and {@code --dry-run}: {@code create /etc/prometheus/file_sd/web.json (3
   * targets)}.
   */
  public String describe() {
    String what =
        render == null
            ? ""
            : kind == OutputKind.SCRAPE_CONFIG
                ? " (scrape config of job " + render.name() + ")"
                : " (" + render.count() + " " + kind.unit() + ")";
    return action.verb() + " " + path + what;
  }

  /**
   * This file as written: created when it did not exist before, else updated; logged with its count
   * of targets or rules.
   */
  FileChange written(boolean existed, Logger log) {
    FileChange done = new FileChange(path, kind, existed ? Action.UPDATE : Action.CREATE, render);
    log.info(
        "[apply] {}: {} ({} {})",
        path,
        existed ? "updated" : "created",
        render.count(),
        kind.unit());
    return done;
  }
}

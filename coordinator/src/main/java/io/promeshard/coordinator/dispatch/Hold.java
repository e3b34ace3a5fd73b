package io.promeshard.coordinator.dispatch;

import java.util.Objects;

/**
 * A dispatch held back because it would remove too much at once: nothing is written while it lasts.
 * An {@code approvable} hold is released by an operator's approval of its {@code id} (or by a
 * change of input that makes it unnecessary); one that is not, such as zero healthy members, only
 * clears when its cause does.
 *
 * @param id identifies the held change: an approval of one change never releases another
 * @param reason one line for logs, status and {@code /healthz}
 * @param removed targets the change would stop publishing
 * @param published targets published now
 * @param release what releases it, for the operator
 */
public record Hold(
    String id, String reason, boolean approvable, int removed, int published, String release) {
  public Hold {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(release, "release");
  }
}

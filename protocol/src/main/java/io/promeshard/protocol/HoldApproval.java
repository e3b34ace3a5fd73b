package io.promeshard.protocol;

import java.util.Objects;

/**
 * The value of {@code hold-approval}: an operator releases the held dispatch named {@code id} (as
 * shown in {@code status/coordinator}); {@code by} and {@code at} say who did and when, for the
 * record.
 */
public record HoldApproval(String id, String by, String at) {
  public HoldApproval {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new ProtocolException("hold-approval: id: missing");
    }
  }
}

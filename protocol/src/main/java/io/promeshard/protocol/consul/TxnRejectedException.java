package io.promeshard.protocol.consul;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Consul rejected a transaction batch (HTTP 409): nothing of that batch was written; earlier
 * batches of the same write were. {@link #fencingLost()} tells that the leader lock is gone.
 */
public class TxnRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * One of Consul's per-op errors, with the op it points at (verb and key; null when out of range).
   */
  public record OpError(int opIndex, String verb, String key, String what) {
    @Override
    public String toString() {
      return "op " + opIndex + (verb == null ? "" : " " + verb + " on " + key) + ": " + what;
    }
  }

  private final transient List<OpError> errors;
  private final int batch;
  private final int batches;

  public TxnRejectedException(List<OpError> errors, int batch, int batches) {
    this(errors, batch, batches, "");
  }

  /** {@code detail} (may be empty) is appended to the message, e.g. which token was used. */
  public TxnRejectedException(List<OpError> errors, int batch, int batches, String detail) {
    super(
        "txn rejected: "
            + errors.stream().limit(3).map(OpError::toString).collect(Collectors.joining("; "))
            + (errors.size() > 3 ? "; and " + (errors.size() - 3) + " more" : "")
            + " (batch "
            + batch
            + " of "
            + batches
            + "; "
            + (batch - 1)
            + " earlier batch(es) committed)"
            + (detail.isEmpty() ? "" : ": " + detail));
    this.errors = List.copyOf(errors);
    this.batch = batch;
    this.batches = batches;
  }

  public List<OpError> errors() {
    return errors;
  }

  /** 1-based number of the rejected batch. */
  public int batch() {
    return batch;
  }

  public int batches() {
    return batches;
  }

  /** True when a {@code check-session} op failed: this writer no longer holds the leader lock. */
  public boolean fencingLost() {
    return errors.stream().anyMatch(e -> TxnOp.Verb.CHECK_SESSION.wire().equals(e.verb()));
  }
}

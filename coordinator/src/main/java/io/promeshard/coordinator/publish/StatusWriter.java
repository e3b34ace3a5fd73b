package io.promeshard.coordinator.publish;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.TxnOp;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Writes {@code status/coordinator} under the leader's fence, only when its bytes differ from the
 * last write, so an unchanged fleet causes no KV traffic. Failures are the caller's to log.
 */
public final class StatusWriter {
  private final TxnWriter txn;
  private final String key;
  private byte[] last;

  public StatusWriter(TxnWriter txn, KvLayout layout) {
    this.txn = txn;
    this.key = layout.coordinatorStatus();
  }

  /** Returns true when something was written. */
  public boolean write(CoordinatorStatus status, Fence fence) throws IOException {
    byte[] bytes = Json.encode(status);
    if (Arrays.equals(bytes, last)) {
      return false;
    }
    txn.write(fence, List.of(TxnOp.set(key, bytes)));
    last = bytes;
    return true;
  }
}

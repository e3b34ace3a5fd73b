package io.promeshard.agent.status;

import io.promeshard.agent.apply.StatusSink;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.consul.KvClient;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code status/<node>} with a plain KV put, skipping a status equal (apart from its time)
 * to the one last written. A failed write is logged at WARN and counted, never thrown: the caller
 * may retry with {@link #write} later. Call from one thread.
 */
public final class StatusWriter implements StatusSink {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

  private final KvClient kv;
  private final String key;
  private final AgentMetrics metrics;
  private NodeStatus lastWritten;
  private boolean failing;

  public StatusWriter(KvClient kv, KvLayout layout, String node, AgentMetrics metrics) {
    this.kv = Objects.requireNonNull(kv, "kv");
    this.key = layout.nodeStatus(node);
    this.metrics = metrics;
  }

  public String key() {
    return key;
  }

  /**
   * Makes the next write go to KV even if unchanged, e.g. after Consul was away and may have lost
   * it.
   */
  @Override
  public void forget() {
    lastWritten = null;
  }

  /** True when {@code status} is now in KV (written, or unchanged since the last write). */
  @Override
  public boolean write(NodeStatus status) {
    NodeStatus timeless = withoutTime(status);
    if (timeless.equals(lastWritten)) {
      return true;
    }
    try {
      kv.put(key, Json.encode(status));
      lastWritten = timeless;
      if (failing) {
        log.info("[status] {}: written again", key);
        failing = false;
      }
      log.debug(
          "[status] {}: generation {}, {} files, error \"{}\"",
          key,
          status.appliedGeneration(),
          status.files().size(),
          status.lastError());
      return true;
    } catch (IOException | RuntimeException e) {
      if (failing) {
        log.debug("[status] {}: write still failing: {}", key, e.getMessage());
      } else {
        log.warn("[status] {}: write failed, will retry: {}", key, e.getMessage());
        failing = true;
      }
      if (metrics != null) {
        metrics.statusWriteFailed();
      }
      return false;
    }
  }

  private static NodeStatus withoutTime(NodeStatus s) {
    return s.at("");
  }
}

package io.promeshard.coordinator.publish;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.PartKey;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.TxnOp;
import io.promeshard.protocol.consul.TxnResult;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what Consul holds under {@code nodes/} and writes publish plans through fenced
 * transactions: node by node, each node's changed parts then its manifest; deletions of stale parts
 * only after every manifest is committed. A failed or rejected transaction (e.g. leadership lost)
 * throws and leaves the remaining batches unwritten, while the batches before it stay committed:
 * agents keep their last complete snapshot meanwhile, and the caller must {@link #readStored()}
 * again before planning its next write.
 */
public final class Publisher {
  private static final Logger log = LoggerFactory.getLogger(Publisher.class);

  private final KvClient kv;
  private final TxnWriter txn;
  private final KvLayout layout;

  public Publisher(KvClient kv, TxnWriter txn, KvLayout layout) {
    this.kv = kv;
    this.txn = txn;
    this.layout = layout;
  }

  /**
   * Everything stored under {@code nodes/}, with each node's raw part values (for rebuilding
   * assignments), the share each node's manifest describes (assembled from its base and delta
   * parts; absent when incomplete or malformed), and the generation and epoch each agent reports
   * under {@code status/} having applied (so that numbering continues above them even if manifests
   * were deleted).
   */
  public Stored readStored() throws IOException {
    List<KvEntry> entries = kv.list(layout.nodesDir(), 0, Duration.ZERO).value();
    Map<String, Map<String, String>> sums = new TreeMap<>();
    Map<String, Map<String, Integer>> sizes = new TreeMap<>();
    Map<String, NodeManifest> manifests = new HashMap<>();
    Map<String, Map<String, byte[]>> values = new TreeMap<>();
    for (KvEntry e : entries) {
      String node = layout.nodeOf(e.key());
      if (node == null) {
        log.warn("[publish] ignoring unexpected key {}", e.key());
        continue;
      }
      String rel = layout.relativeToNode(node, e.key());
      sums.computeIfAbsent(node, n -> new TreeMap<>());
      sizes.computeIfAbsent(node, n -> new TreeMap<>());
      values.computeIfAbsent(node, n -> new HashMap<>());
      try {
        if (rel.equals(NodeManifest.KEY)) {
          manifests.put(node, Json.decodeWire(e.key(), e.value(), NodeManifest.class));
        } else if (!rel.isEmpty()) {
          PartKey.parse(rel);
          sizes.get(node).put(rel, e.value().length);
          values.get(node).put(rel, e.value());
        }
      } catch (ProtocolException ex) {
        log.warn("[publish] {}: unreadable, will be rewritten: {}", e.key(), ex.getMessage());
      }
    }
    // checksums as each node's manifest lists them (base64url in the compact layout)
    values.forEach(
        (node, parts) -> {
          NodeManifest m = manifests.get(node);
          boolean compact = m != null && m.compressed();
          parts.forEach((rel, v) -> sums.get(node).put(rel, NodeManifest.checksum(compact, v)));
        });
    Map<String, NodeStatus> applied = readApplied();
    Map<String, StoredNode> nodes = new TreeMap<>();
    TreeSet<String> names = new TreeSet<>(sums.keySet());
    names.addAll(applied.keySet());
    for (String node : names) {
      NodeStatus status = applied.get(node);
      NodeManifest manifest = manifests.get(node);
      Parts.Assembled published =
          StoredShares.assembleSteps(node, manifest, values.getOrDefault(node, Map.of()));
      nodes.put(
          node,
          new StoredNode(
              node,
              sums.getOrDefault(node, Map.of()),
              manifest,
              status == null ? 0 : status.appliedGeneration(),
              status == null ? 0 : status.epoch(),
              sizes.getOrDefault(node, Map.of()),
              published == null ? null : published.share(),
              published == null ? null : published.beforeLastDelta(),
              published == null ? Map.of() : published.parts()));
    }
    return new Stored(nodes, values);
  }

  /** What each agent reports under {@code status/}; unreadable reports are skipped. */
  private Map<String, NodeStatus> readApplied() throws IOException {
    return agentStatuses(layout, kv.list(layout.statusDir(), 0, Duration.ZERO).value());
  }

  /**
   * The agents' statuses among {@code entries} of {@code status/} (node → status): the
   * coordinator's own, empty values and unreadable ones, and statuses filed under another node's
   * key are skipped.
   */
  public static Map<String, NodeStatus> agentStatuses(KvLayout layout, List<KvEntry> entries) {
    Map<String, NodeStatus> applied = new TreeMap<>();
    for (KvEntry e : entries) {
      if (e.key().equals(layout.coordinatorStatus()) || e.size() == 0) {
        continue;
      }
      try {
        NodeStatus status = Json.decodeWire(e.key(), e.value(), NodeStatus.class);
        if (e.key().equals(layout.nodeStatus(status.node()))) {
          applied.put(status.node(), status);
        }
      } catch (ProtocolException ex) {
        log.debug("[publish] {}: unreadable agent status: {}", e.key(), ex.getMessage());
      }
    }
    return applied;
  }

  /**
   * Deletes the operator's hold approval under {@code fence}, once the change it released is out.
   */
  public void clearHoldApproval(Fence fence) throws IOException {
    txn.write(fence, List.of(TxnOp.delete(layout.holdApproval())));
  }

  /** Writes {@code plan} under {@code fence}; returns the transaction figures. */
  public TxnResult publish(PublishPlan plan, Fence fence) throws IOException {
    if (plan.isEmpty()) {
      return new TxnResult(0, 0, 0);
    }
    // node by node, each node's manifest right after its parts: an agent woken by one batch then
    // finds its snapshot complete instead of waiting for a manifest that comes batches later
    Map<String, List<TxnOp>> byNode = new TreeMap<>();
    plan.parts()
        .forEach(
            w ->
                byNode
                    .computeIfAbsent(w.node(), n -> new ArrayList<>())
                    .add(TxnOp.set(w.key(), w.value())));
    plan.manifests()
        .forEach(
            w ->
                byNode
                    .computeIfAbsent(w.node(), n -> new ArrayList<>())
                    .add(TxnOp.set(w.key(), w.value())));
    List<TxnOp> writes = new ArrayList<>(plan.parts().size() + plan.manifests().size());
    byNode.values().forEach(writes::addAll);
    TxnResult written = txn.write(fence, writes);
    TxnResult deleted = txn.write(fence, plan.deletes().stream().map(TxnOp::delete).toList());
    log.info(
        "[publish] wrote {} parts and {} manifests, deleted {} parts ({} bytes, {} txns)",
        plan.parts().size(),
        plan.manifests().size(),
        plan.deletes().size(),
        written.bodyBytes() + deleted.bodyBytes(),
        written.batches() + deleted.batches());
    return new TxnResult(
        written.batches() + deleted.batches(),
        written.ops() + deleted.ops(),
        written.bodyBytes() + deleted.bodyBytes());
  }

  /** The stored state: per node its part checksums and manifest, plus raw part values. */
  public record Stored(Map<String, StoredNode> nodes, Map<String, Map<String, byte[]>> values) {}
}

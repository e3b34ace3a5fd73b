package io.promeshard.coordinator.publish;

import java.util.List;
import java.util.Map;

/**
 * The writes one dispatch needs: changed parts, each changed node's manifest (which must reach
 * Consul after that node's parts), and parts no manifest lists any more (deleted only after the
 * manifests are committed). {@code after} is the stored state once all of it has succeeded.
 */
public record PublishPlan(
    List<KvWrite> parts,
    List<KvWrite> manifests,
    List<String> deletes,
    Map<String, StoredNode> after) {

  public PublishPlan {
    parts = List.copyOf(parts);
    manifests = List.copyOf(manifests);
    deletes = List.copyOf(deletes);
    after = Map.copyOf(after);
  }

  public boolean isEmpty() {
    return parts.isEmpty() && manifests.isEmpty() && deletes.isEmpty();
  }

  /** Keys written or deleted. */
  public int keyCount() {
    return parts.size() + manifests.size() + deletes.size();
  }

  /** Value bytes written (before base64). */
  public long byteCount() {
    return parts.stream().mapToLong(w -> w.value().length).sum()
        + manifests.stream().mapToLong(w -> w.value().length).sum();
  }

  /** Nodes whose manifest changes. */
  public List<String> changedNodes() {
    return manifests.stream().map(KvWrite::node).toList();
  }

  /** One key to set: the node it belongs to, its absolute key and value. */
  @SuppressWarnings(
      "ArrayRecordComponent") // a write is only read by the publisher; never compared or hashed
  public record KvWrite(String node, String key, byte[] value) {}
}

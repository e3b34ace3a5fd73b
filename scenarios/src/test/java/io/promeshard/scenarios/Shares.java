package io.promeshard.scenarios;

import io.promeshard.protocol.IncompleteSnapshotException;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.TargetGroup;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The shares the coordinator has published in Consul KV, read the way an agent reads them (one
 * recursive GET, assembled under the manifest). A node whose parts do not match its manifest yet
 * makes {@link #read} return null, so callers poll again.
 */
record Shares(Placement placement, Map<String, Long> epochs) {
  Shares {
    epochs = Map.copyOf(epochs);
  }

  /** Targets of {@code job} per node and each manifest's epoch; null while a write is half seen. */
  static Shares read(ConsulKv kv, KvLayout layout, String job) {
    SortedMap<String, byte[]> tree = kv.tree(layout.nodesDir());
    Map<String, Map<String, byte[]>> byNode = new TreeMap<>();
    tree.forEach(
        (key, value) -> {
          String node = layout.nodeOf(key);
          if (node != null) {
            byNode
                .computeIfAbsent(node, n -> new TreeMap<>())
                .put(layout.relativeToNode(node, key), value);
          }
        });
    Map<String, Set<String>> targets = new TreeMap<>();
    Map<String, Long> epochs = new TreeMap<>();
    for (Map.Entry<String, Map<String, byte[]>> node : byNode.entrySet()) {
      byte[] manifestBytes = node.getValue().get(NodeManifest.KEY);
      if (manifestBytes == null) {
        continue; // parts without a manifest are not published yet
      }
      NodeManifest manifest =
          Json.decode(node.getKey() + "/manifest", manifestBytes, NodeManifest.class);
      NodeShare share;
      try {
        share = Parts.assemble(manifest, node.getValue());
      } catch (IncompleteSnapshotException e) {
        return null;
      }
      Set<String> addresses = new TreeSet<>();
      for (TargetGroup group : share.targets().getOrDefault(job, java.util.List.of())) {
        addresses.addAll(group.targets());
      }
      targets.put(node.getKey(), addresses);
      epochs.put(node.getKey(), manifest.epoch());
    }
    return new Shares(Placement.of(targets), epochs);
  }

  long maxEpoch() {
    return epochs.values().stream().mapToLong(Long::longValue).max().orElse(-1);
  }
}

package io.promeshard.coordinator.publish;

import io.promeshard.protocol.Names;
import io.promeshard.protocol.NodeManifest;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Consul holds for one node: the checksum of every stored part (relative key → sha256) and its
 * manifest (null when there is none). Built from a recursive read or from what the publisher wrote.
 */
public record StoredNode(String node, Map<String, String> parts, NodeManifest manifest) {
  public StoredNode {
    Names.node(node);
    parts = Collections.unmodifiableMap(new TreeMap<>(parts));
  }

  public static StoredNode empty(String node) {
    return new StoredNode(node, Map.of(), null);
  }

  public long generation() {
    return manifest == null ? 0 : manifest.generation();
  }
}

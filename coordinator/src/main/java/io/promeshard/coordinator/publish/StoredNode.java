package io.promeshard.coordinator.publish;

import io.promeshard.protocol.Names;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Consul holds for one node: the checksum of every stored part (relative key → sha256), its
 * manifest (null when there is none), and the generation and epoch its agent last reported applying
 * (0 when unknown). Built from a recursive read or from what the publisher wrote. {@code sizes}
 * gives the stored bytes of parts (for choosing between a delta and a new base) and {@code share}
 * the share the manifest describes, when known (null when unreadable): the next dispatch writes
 * only its difference from that. {@code prior} is the share before the manifest's last delta, when
 * known: a dispatch may replace that delta with one from {@code prior} (a node that joined and left
 * again then costs no delta at all). {@code snapshot} lists every part that share is made of, with
 * its checksum: the parts the manifest lists and the deltas its delta chains back to (empty when
 * the share is not known).
 *
 * <p>{@link #generation()} and {@link #epoch()} are the highest of the manifest's and the agent's
 * figures: a manifest deleted by hand, or a leader key deleted so that the next term's epoch starts
 * low again, must not make the next manifest look older than the one the agent applied.
 */
public record StoredNode(
    String node,
    Map<String, String> parts,
    NodeManifest manifest,
    long appliedGeneration,
    long appliedEpoch,
    Map<String, Integer> sizes,
    NodeShare share,
    NodeShare prior,
    Map<String, String> snapshot) {
  public StoredNode {
    Names.node(node);
    parts = Collections.unmodifiableMap(new TreeMap<>(parts));
    sizes = Collections.unmodifiableMap(new TreeMap<>(sizes));
    snapshot = Collections.unmodifiableMap(new TreeMap<>(snapshot));
  }

  public StoredNode(
      String node,
      Map<String, String> parts,
      NodeManifest manifest,
      long appliedGeneration,
      long appliedEpoch) {
    this(node, parts, manifest, appliedGeneration, appliedEpoch, Map.of(), null, null, Map.of());
  }

  public StoredNode(String node, Map<String, String> parts, NodeManifest manifest) {
    this(node, parts, manifest, 0, 0);
  }

  public static StoredNode empty(String node) {
    return new StoredNode(node, Map.of(), null);
  }

  /** The highest generation this node has seen, stored or applied. */
  public long generation() {
    return Math.max(manifest == null ? 0 : manifest.generation(), appliedGeneration);
  }

  /** The highest epoch this node has seen, stored or applied. */
  public long epoch() {
    return Math.max(manifest == null ? 0 : manifest.epoch(), appliedEpoch);
  }

  /** Nothing stored under {@code nodes/<node>/}: known only from its agent's status. */
  public boolean nothingStored() {
    return manifest == null && parts.isEmpty();
  }

  /**
   * This node as published by {@code written}, keeping what its agent reported: {@code
   * writtenParts} are every part stored afterwards, all of them in the written share's snapshot.
   */
  public StoredNode publishing(
      Map<String, String> writtenParts,
      Map<String, Integer> writtenSizes,
      NodeManifest written,
      NodeShare writtenShare,
      NodeShare writtenPrior) {
    return new StoredNode(
        node,
        writtenParts,
        written,
        appliedGeneration,
        appliedEpoch,
        writtenSizes,
        writtenShare,
        writtenPrior,
        writtenParts);
  }

  /** True when the share is known and exactly its snapshot's parts are stored, nothing stale. */
  public boolean storedAsSnapshot() {
    return share != null && parts.equals(snapshot);
  }
}

package io.promeshard.coordinator.publish;

import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.PartKey;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.ScrapeSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the incremental writes that turn the stored shares into the desired ones. Pure: the
 * caller supplies the epoch and the timestamp. A node whose parts and manifest already match gets
 * no write at all, so a dispatch that changes nothing writes nothing. A node that is stored but no
 * longer desired gets an empty manifest (its agent removes its files) and its parts are deleted.
 *
 * <p>Generation and epoch never go backwards as an agent sees them: a new manifest's generation is
 * one above the highest the node has stored or applied, and its epoch is the caller's or, when that
 * is lower (the leader key was deleted and epochs restarted), the highest any node has stored or
 * applied.
 */
public final class PublishPlanner {
  private final KvLayout layout;
  private final int maxChunkBytes;

  public PublishPlanner(KvLayout layout, int maxChunkBytes) {
    this.layout = layout;
    this.maxChunkBytes = maxChunkBytes;
  }

  public PublishPlanner(KvLayout layout) {
    this(layout, Parts.DEFAULT_MAX_CHUNK_BYTES);
  }

  public PublishPlan plan(
      Map<String, NodeShare> desired,
      Map<String, StoredNode> stored,
      long epoch,
      String writtenAt) {
    List<PublishPlan.KvWrite> parts = new ArrayList<>();
    List<PublishPlan.KvWrite> manifests = new ArrayList<>();
    List<String> deletes = new ArrayList<>();
    Map<String, StoredNode> after = new TreeMap<>();
    long manifestEpoch = epoch;
    for (StoredNode n : stored.values()) {
      manifestEpoch = Math.max(manifestEpoch, n.epoch());
    }
    TreeSet<String> nodes = new TreeSet<>(desired.keySet());
    nodes.addAll(stored.keySet());
    for (String node : nodes) {
      StoredNode before = stored.getOrDefault(node, StoredNode.empty(node));
      if (!desired.containsKey(node) && before.nothingStored()) {
        // known only from an agent's status: nothing to remove
        continue;
      }
      NodeShare share = desired.getOrDefault(node, NodeShare.empty());
      SortedMap<PartKey, byte[]> encoded = Parts.encode(share, maxChunkBytes);
      Map<String, String> sums = new TreeMap<>();
      for (Map.Entry<PartKey, byte[]> e : encoded.entrySet()) {
        String rel = e.getKey().toString();
        String sum = Checksums.sha256Hex(e.getValue());
        sums.put(rel, sum);
        if (!sum.equals(before.parts().get(rel))) {
          parts.add(new PublishPlan.KvWrite(node, layout.part(node, rel), e.getValue()));
        }
      }
      List<String> stale =
          before.parts().keySet().stream().filter(rel -> !sums.containsKey(rel)).toList();
      Map<String, String> intervals = share.manifestIntervals();
      Map<String, ScrapeSettings> scrape = share.manifestScrape();
      boolean manifestCurrent =
          before.manifest() != null
              && before.manifest().parts().equals(sums)
              && before.manifest().intervals().equals(intervals)
              && before.manifest().scrape().equals(scrape);
      if (manifestCurrent
          && stale.isEmpty()
          && parts.stream().noneMatch(w -> w.node().equals(node))) {
        after.put(node, before);
        continue;
      }
      NodeManifest manifest = before.manifest();
      if (!manifestCurrent) {
        manifest =
            NodeManifest.of(
                before.generation() + 1, manifestEpoch, sums, writtenAt, intervals, scrape);
        manifests.add(new PublishPlan.KvWrite(node, layout.manifest(node), Json.encode(manifest)));
      }
      stale.forEach(rel -> deletes.add(layout.part(node, rel)));
      after.put(node, before.publishing(sums, manifest));
    }
    return new PublishPlan(parts, manifests, deletes, after);
  }
}

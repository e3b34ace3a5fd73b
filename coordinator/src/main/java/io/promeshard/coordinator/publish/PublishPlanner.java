package io.promeshard.coordinator.publish;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.PartKey;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.ShareDelta;
import io.promeshard.protocol.ShareEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes the incremental writes that turn the stored shares into the desired ones. Pure: the
 * caller supplies the epoch and the timestamp. A node whose share, parts and manifest already match
 * gets no write at all (and nothing is encoded for it), so a dispatch that changes nothing writes
 * nothing. A node that is stored but no longer desired gets an empty manifest (its agent removes
 * its files) and its parts are deleted.
 *
 * <p>In the {@link ShareEncoding#COMPACT compact} layout a changed node whose published share is
 * known gets one small delta part ({@code delta/<generation>}: what was removed and added, and the
 * checksum of the delta before it) on top of its base parts, either after its other deltas or in
 * place of the last one (a delta from the share before it, when that writes no more: changes that
 * cancel out cost nothing), until its deltas together would exceed {@link #MAX_DELTA_FRACTION} of
 * its base's bytes or number {@link #MAX_DELTAS}, or one delta would remove more than that fraction
 * of its entries (removals cost a delta only their positions, but leave dead entries in the base),
 * or the share becomes empty: then it gets a new base (compaction), of which only the chunks whose
 * bytes changed are written. Its manifest lists the base parts and the new delta only. So a
 * membership change writes about what moved. In the {@link ShareEncoding#PLAIN plain} layout every
 * changed part is written whole as JSON.
 *
 * <p>Generation and epoch never go backwards as an agent sees them: a new manifest's generation is
 * one above the highest the node has stored or applied, and its epoch is the caller's or, when that
 * is lower (the leader key was deleted and epochs restarted), the highest any node has stored or
 * applied.
 */
public final class PublishPlanner {
  /** Deltas may add up to this fraction of the base's stored bytes before a new base is written. */
  public static final double MAX_DELTA_FRACTION = 0.25;

  /** The most delta parts a node's share has before a new base is written. */
  public static final int MAX_DELTAS = 8;

  private final KvLayout layout;
  private final int maxChunkBytes;

  public PublishPlanner(KvLayout layout, int maxChunkBytes) {
    this.layout = layout;
    this.maxChunkBytes = maxChunkBytes;
  }

  public PublishPlanner(KvLayout layout) {
    this(layout, Parts.DEFAULT_MAX_CHUNK_BYTES);
  }

  /** The plan in the default, compact layout. */
  public PublishPlan plan(
      Map<String, NodeShare> desired,
      Map<String, StoredNode> stored,
      long epoch,
      String writtenAt) {
    return plan(desired, stored, epoch, writtenAt, ShareEncoding.COMPACT);
  }

  public PublishPlan plan(
      Map<String, NodeShare> desired,
      Map<String, StoredNode> stored,
      long epoch,
      String writtenAt,
      ShareEncoding encoding) {
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
      Map<String, String> intervals = share.manifestIntervals();
      Map<String, ScrapeSettings> scrape = share.manifestScrape();
      boolean compact = encoding == ShareEncoding.COMPACT;
      if (unchanged(before, share, intervals, scrape, compact)) {
        after.put(node, before);
        continue;
      }
      Layout next =
          compact
              ? deltaOnto(before, share).orElseGet(() -> base(share, true))
              : base(share, false);
      List<PublishPlan.KvWrite> written = new ArrayList<>();
      next.values.forEach(
          (rel, value) -> {
            if (!next.sums.get(rel).equals(before.parts().get(rel))) {
              written.add(new PublishPlan.KvWrite(node, layout.part(node, rel), value));
            }
          });
      List<String> stale =
          before.parts().keySet().stream().filter(rel -> !next.sums.containsKey(rel)).toList();
      Map<String, String> listed = next.listed();
      NodeManifest manifest = before.manifest();
      boolean manifestCurrent =
          manifest != null
              && manifest.compressed() == compact
              && manifest.parts().equals(listed)
              && manifest.intervals().equals(intervals)
              && manifest.scrape().equals(scrape);
      if (!manifestCurrent) {
        long generation = before.generation() + 1;
        manifest =
            compact
                ? NodeManifest.compact(generation, manifestEpoch, listed, intervals, scrape)
                : NodeManifest.of(generation, manifestEpoch, listed, writtenAt, intervals, scrape);
        manifests.add(new PublishPlan.KvWrite(node, layout.manifest(node), Json.encode(manifest)));
      }
      parts.addAll(written);
      stale.forEach(rel -> deletes.add(layout.part(node, rel)));
      after.put(node, before.publishing(next.sums, next.sizes, manifest, share, next.prior));
    }
    return new PublishPlan(parts, manifests, deletes, after);
  }

  /**
   * True when {@code before} is published exactly as wanted: same targets, rules, intervals, scrape
   * settings and layout, and no part stored beside its snapshot's. Compares content only, so an
   * unchanged node costs no encoding.
   */
  private static boolean unchanged(
      StoredNode before,
      NodeShare share,
      Map<String, String> intervals,
      Map<String, ScrapeSettings> scrape,
      boolean compact) {
    NodeManifest m = before.manifest();
    return m != null
        && before.storedAsSnapshot()
        && m.compressed() == compact
        && m.intervals().equals(intervals)
        && m.scrape().equals(scrape)
        && before.share().targets().equals(share.targets())
        && before.share().rules().equals(share.rules());
  }

  /**
   * {@code before}'s parts with one delta part taking its published share to {@code share}, when
   * its stored compact share is known and the deltas stay small; empty when a new base is due. The
   * delta is either added after the others or, when that writes no more bytes, replaces the last
   * one with a delta from the share before it (changes that cancel out, such as a node joining and
   * leaving again, then cost nothing).
   */
  private Optional<Layout> deltaOnto(StoredNode before, NodeShare share) {
    NodeManifest m = before.manifest();
    if (m == null
        || !before.storedAsSnapshot()
        || (share.targets().isEmpty() && share.rules().isEmpty())
        || !m.compressed()
        || !before.sizes().keySet().containsAll(before.snapshot().keySet())) {
      return Optional.empty();
    }
    Optional<Layout> added =
        ShareDelta.between(before.share(), share)
            .filter(delta -> removed(delta) <= MAX_DELTA_FRACTION * entries(before.share()))
            .flatMap(delta -> withDelta(before, delta, null, before.share()));
    String last = lastDelta(before.snapshot());
    if (last == null || before.prior() == null) {
      return added;
    }
    Optional<Layout> replaced =
        ShareDelta.between(before.prior(), share)
            .filter(delta -> removed(delta) <= MAX_DELTA_FRACTION * entries(before.prior()))
            .flatMap(delta -> withDelta(before, delta, last, before.prior()));
    if (replaced.isPresent()
        && (added.isEmpty() || replaced.get().written() <= added.get().written())) {
      return replaced;
    }
    return added;
  }

  /**
   * {@code before}'s parts without {@code dropped} (its last delta, or null) plus {@code delta} on
   * top of {@code from}, the share the remaining parts assemble to, chained to the last remaining
   * delta; empty past the thresholds.
   */
  private Optional<Layout> withDelta(
      StoredNode before, ShareDelta delta, String dropped, NodeShare from) {
    Layout out = new Layout();
    long baseBytes = 0;
    long deltaBytes = 0;
    int deltas = 0;
    for (Map.Entry<String, String> e : before.snapshot().entrySet()) {
      if (e.getKey().equals(dropped)) {
        continue;
      }
      int size = before.sizes().get(e.getKey());
      if (PartKey.parse(e.getKey()).base()) {
        baseBytes += size;
      } else {
        deltaBytes += size;
        deltas++;
      }
      out.sums.put(e.getKey(), e.getValue());
      out.sizes.put(e.getKey(), size);
    }
    if (delta.isEmpty()) {
      // nothing on top of from: the layout assembles to it; what came before it is not known
      out.prior = dropped == null ? before.prior() : null;
      return Optional.of(out);
    }
    String head = lastDelta(out.sums);
    byte[] value =
        Parts.encodeDelta(
            head == null ? delta : delta.after(PartKey.parse(head), out.sums.get(head)));
    if (deltas + 1 > MAX_DELTAS
        || value.length > maxChunkBytes
        || deltaBytes + value.length > MAX_DELTA_FRACTION * baseBytes) {
      return Optional.empty();
    }
    String rel = PartKey.delta(before.generation() + 1).toString();
    out.values.put(rel, value);
    out.sums.put(rel, NodeManifest.checksum(true, value));
    out.sizes.put(rel, value.length);
    out.prior = from;
    return Optional.of(out);
  }

  /** The latest delta among {@code parts} (relative keys), or null when there is none. */
  private static String lastDelta(Map<String, String> parts) {
    return parts.keySet().stream()
        .map(PartKey::parse)
        .filter(k -> !k.base())
        .max(PartKey::compareTo)
        .map(PartKey::toString)
        .orElse(null);
  }

  private static int removed(ShareDelta delta) {
    return delta.targets().values().stream().mapToInt(d -> d.remove().size()).sum()
        + delta.rules().values().stream().mapToInt(d -> d.remove().size()).sum();
  }

  private static int entries(NodeShare share) {
    return share.targets().values().stream().mapToInt(List::size).sum() + share.ruleCount();
  }

  /** {@code share} as base parts only (compressed in the compact layout). */
  private Layout base(NodeShare share, boolean compact) {
    SortedMap<PartKey, byte[]> encoded =
        compact ? Parts.encodeCompact(share, maxChunkBytes) : Parts.encode(share, maxChunkBytes);
    Layout out = new Layout();
    encoded.forEach(
        (key, value) -> {
          String rel = key.toString();
          out.values.put(rel, value);
          out.sums.put(rel, NodeManifest.checksum(compact, value));
          out.sizes.put(rel, value.length);
        });
    return out;
  }

  /**
   * A node's parts after this dispatch: every part's checksum and size (base parts and every delta
   * of the chain), and the values of those that may need writing (a part already stored with the
   * same checksum is not written).
   */
  private static final class Layout {
    final Map<String, byte[]> values = new TreeMap<>();
    final Map<String, String> sums = new TreeMap<>();
    final Map<String, Integer> sizes = new TreeMap<>();

    /** The share before the last delta part, when there is one and it is known. */
    NodeShare prior;

    /** What the manifest lists: the base parts and the latest delta, which chains to the others. */
    Map<String, String> listed() {
      String head = lastDelta(sums);
      Map<String, String> out = new TreeMap<>();
      sums.forEach(
          (rel, sum) -> {
            if (rel.equals(head) || PartKey.parse(rel).base()) {
              out.put(rel, sum);
            }
          });
      return out;
    }

    /** Bytes of the values this layout may write. */
    long written() {
      return values.values().stream().mapToLong(v -> v.length).sum();
    }
  }
}

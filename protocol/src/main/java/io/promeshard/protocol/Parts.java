package io.promeshard.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Encodes a {@link NodeShare} into KV parts and assembles it back. A job or rule group whose JSON
 * array is larger than the chunk limit is split into {@code <name>/0}, {@code <name>/1}, … each a
 * valid JSON array on its own; assembly concatenates them in chunk order. In the compact layout
 * (manifest format {@link NodeManifest#FORMAT_COMPACT}) every part is gzip-compressed JSON and
 * {@code delta/<generation>} parts ({@link ShareDelta}) apply on top of the base parts in
 * generation order. The manifest lists the base parts and only the latest delta; each delta names
 * the one before it with its checksum ({@link ShareDelta#prev}), back to the first, so a snapshot
 * is as completely checksummed as if the manifest listed every delta.
 */
public final class Parts {
  /** Default limit per stored value: well under Consul's 512 KiB value and txn body limits. */
  public static final int DEFAULT_MAX_CHUNK_BYTES = 256 * 1024;

  private Parts() {}

  public static SortedMap<PartKey, byte[]> encode(NodeShare share) {
    return encode(share, DEFAULT_MAX_CHUNK_BYTES);
  }

  public static SortedMap<PartKey, byte[]> encode(NodeShare share, int maxChunkBytes) {
    TreeMap<PartKey, byte[]> out = new TreeMap<>();
    share
        .targets()
        .forEach(
            (job, groups) -> encodeList(out, PartKey.Kind.TARGETS, job, groups, maxChunkBytes));
    share
        .rules()
        .forEach(
            (group, rules) -> encodeList(out, PartKey.Kind.RULES, group, rules, maxChunkBytes));
    return out;
  }

  /** The base parts of {@code share} in the compact layout: each chunk gzip-compressed. */
  public static SortedMap<PartKey, byte[]> encodeCompact(NodeShare share, int maxChunkBytes) {
    SortedMap<PartKey, byte[]> out = encode(share, maxChunkBytes);
    out.replaceAll((key, json) -> Gzip.compress(json));
    return out;
  }

  /** The stored value of a delta part (compact layout). */
  public static byte[] encodeDelta(ShareDelta delta) {
    return Gzip.compress(Json.encode(delta));
  }

  /** Manifest part map (relative key → sha256) for encoded parts, in the plain layout. */
  public static Map<String, String> checksums(Map<PartKey, byte[]> parts) {
    return checksums(parts, false);
  }

  /** Manifest part map (relative key → sha256) for encoded parts in the compact layout or not. */
  public static Map<String, String> checksums(Map<PartKey, byte[]> parts, boolean compact) {
    Map<String, String> sums = new LinkedHashMap<>();
    parts.forEach((k, v) -> sums.put(k.toString(), NodeManifest.checksum(compact, v)));
    return sums;
  }

  private static void encodeList(
      Map<PartKey, byte[]> out, PartKey.Kind kind, String name, List<?> items, int max) {
    if (items.isEmpty()) {
      return; // an empty job or group has no part: the agent removes its file
    }
    List<byte[]> chunks = new ArrayList<>();
    ByteArrayOutputStream current = new ByteArrayOutputStream();
    for (Object item : items) {
      byte[] encoded = Json.encode(item);
      if (encoded.length + 2 > max) {
        throw new ProtocolException(
            kind.dir()
                + "/"
                + name
                + ": one entry encodes to "
                + encoded.length
                + " bytes, over the chunk limit of "
                + max);
      }
      // current holds "[a,b" (no closing bracket); adding ",x]" must stay within max
      if (current.size() > 0 && current.size() + 1 + encoded.length + 1 > max) {
        current.write(']');
        chunks.add(current.toByteArray());
        current.reset();
      }
      current.write(current.size() == 0 ? '[' : ',');
      current.writeBytes(encoded);
    }
    current.write(']');
    chunks.add(current.toByteArray());
    if (chunks.size() == 1) {
      out.put(PartKey.single(kind, name), chunks.get(0));
    } else {
      for (int i = 0; i < chunks.size(); i++) {
        out.put(new PartKey(kind, name, i), chunks.get(i));
      }
    }
  }

  /**
   * Assembles the share a manifest describes from values keyed relative to the node directory: its
   * base parts, then its delta and the deltas that one chains back to, first to last.
   *
   * @throws IncompleteSnapshotException when a listed or chained part is missing or its checksum
   *     differs: the caller must keep what it applied last
   * @throws ProtocolException when a part is complete but malformed
   */
  public static NodeShare assemble(NodeManifest manifest, Map<String, byte[]> values) {
    return assemble(manifest, values, Long.MAX_VALUE);
  }

  /**
   * As {@link #assemble(NodeManifest, Map)}, decompressing at most {@code maxPlainBytes} of JSON in
   * all (compressed parts expand many times over, so their stored size says little of the heap
   * their share needs).
   *
   * @throws TooLargeException when the compressed parts expand past {@code maxPlainBytes}
   */
  public static NodeShare assemble(
      NodeManifest manifest, Map<String, byte[]> values, long maxPlainBytes) {
    return assembleSteps(manifest, values, maxPlainBytes).share();
  }

  /**
   * A share as assembled; the share before its last delta was applied (null when the snapshot has
   * no delta): the coordinator may replace that delta rather than add one; and every part the
   * snapshot consists of, relative key → checksum: the parts the manifest lists and the deltas its
   * delta chains back to.
   */
  public record Assembled(NodeShare share, NodeShare beforeLastDelta, Map<String, String> parts) {
    public Assembled {
      parts = Collections.unmodifiableMap(new TreeMap<>(parts));
    }
  }

  /**
   * As {@link #assemble(NodeManifest, Map, long)}, keeping the share before the last delta and the
   * parts of the snapshot.
   */
  public static Assembled assembleSteps(
      NodeManifest manifest, Map<String, byte[]> values, long maxPlainBytes) {
    List<String> problems = new ArrayList<>();
    TreeMap<PartKey, byte[]> parts = new TreeMap<>();
    for (Map.Entry<String, String> e : manifest.parts().entrySet()) {
      byte[] value = values.get(e.getKey());
      if (value == null) {
        problems.add(e.getKey() + " missing");
      } else if (!manifest.checksum(value).equals(e.getValue())) {
        problems.add(e.getKey() + " checksum differs");
      } else {
        parts.put(PartKey.parse(e.getKey()), value);
      }
    }
    if (!problems.isEmpty()) {
      throw new IncompleteSnapshotException(manifest.generation(), problems);
    }
    Map<String, List<TargetGroup>> targets = new TreeMap<>();
    Map<String, List<RecordRule>> rules = new TreeMap<>();
    Map<String, Integer> nextChunk = new TreeMap<>();
    Map.Entry<PartKey, byte[]> head = null;
    long[] budget = {maxPlainBytes, maxPlainBytes};
    for (Map.Entry<PartKey, byte[]> e : parts.entrySet()) {
      PartKey key = e.getKey();
      if (!key.base()) {
        head = e; // a manifest lists at most one delta, the latest
        continue;
      }
      String id = key.kind().dir() + "/" + key.name();
      int expected = nextChunk.getOrDefault(id, 0);
      if (key.chunked() ? key.chunk() != expected : nextChunk.containsKey(id)) {
        throw new ProtocolException("manifest: parts of " + id + " are not contiguous chunks 0..n");
      }
      nextChunk.put(id, expected + 1);
      byte[] json = plain(manifest, key, e.getValue(), budget);
      if (key.kind() == PartKey.Kind.TARGETS) {
        targets
            .computeIfAbsent(key.name(), k -> new ArrayList<>())
            .addAll(Json.decodeTargetGroups(key.toString(), json));
      } else {
        rules
            .computeIfAbsent(key.name(), k -> new ArrayList<>())
            .addAll(Json.decodeRecordRules(key.toString(), json));
      }
    }
    Map<String, String> snapshot = new TreeMap<>(manifest.parts());
    NodeShare share = new NodeShare(targets, rules, manifest.ruleIntervals(), manifest.scrape());
    NodeShare beforeLast = null;
    for (Map.Entry<PartKey, ShareDelta> e : chain(manifest, head, values, budget, snapshot)) {
      beforeLast = share;
      share = e.getValue().applyTo(e.getKey().toString(), share);
    }
    return new Assembled(share, beforeLast, snapshot);
  }

  /**
   * The deltas of a snapshot, first to last: {@code head} (the delta the manifest lists, or null)
   * and the deltas it chains back to, each checked against the checksum its successor names and
   * added to {@code snapshot}.
   *
   * @throws IncompleteSnapshotException when a chained delta is missing or its checksum differs
   * @throws ProtocolException when a delta chains to one that is not earlier
   */
  private static List<Map.Entry<PartKey, ShareDelta>> chain(
      NodeManifest manifest,
      Map.Entry<PartKey, byte[]> head,
      Map<String, byte[]> values,
      long[] budget,
      Map<String, String> snapshot) {
    ArrayDeque<Map.Entry<PartKey, ShareDelta>> chain = new ArrayDeque<>();
    PartKey key = head == null ? null : head.getKey();
    byte[] value = head == null ? null : head.getValue();
    while (key != null) {
      String where = key.toString();
      ShareDelta delta =
          Json.decodeWire(where, plain(manifest, key, value, budget), ShareDelta.class);
      if (delta == null) {
        throw new ProtocolException(where + ": null delta");
      }
      chain.addFirst(Map.entry(key, delta));
      Optional<Map.Entry<PartKey, String>> prev = delta.predecessor();
      if (prev.isEmpty()) {
        break;
      }
      PartKey earlier = prev.get().getKey();
      if (earlier.compareTo(key) >= 0) {
        throw new ProtocolException(where + ": chains to " + earlier + ", not an earlier delta");
      }
      value = values.get(earlier.toString());
      if (value == null || !manifest.checksum(value).equals(prev.get().getValue())) {
        throw new IncompleteSnapshotException(
            manifest.generation(),
            List.of(earlier + (value == null ? " missing" : " checksum differs")));
      }
      snapshot.put(earlier.toString(), prev.get().getValue());
      key = earlier;
    }
    return List.copyOf(chain);
  }

  /**
   * The JSON bytes of a stored part, decoded as the manifest's encoding says, taken from {@code
   * budget[0]} (plain bytes left to decompress of {@code budget[1]}).
   */
  private static byte[] plain(NodeManifest manifest, PartKey key, byte[] stored, long[] budget) {
    if (!manifest.compressed()) {
      if (manifest.encoding() == null) {
        return stored;
      }
      throw new ProtocolException(
          "manifest: unknown part encoding " + Names.quote(manifest.encoding()));
    }
    try {
      byte[] json = Gzip.decompress(key.toString(), stored, budget[0]);
      budget[0] -= json.length;
      return json;
    } catch (TooLargeException e) {
      long total = budget[1] - budget[0] + e.bytes();
      throw new TooLargeException(
          "share: compressed parts expand past " + budget[1] + " bytes at " + key,
          total,
          budget[1]);
    }
  }
}

package io.promeshard.agent.watch;

import io.promeshard.protocol.IncompleteSnapshotException;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TooLargeException;
import io.promeshard.protocol.Version;
import io.promeshard.protocol.consul.KvEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the entries of one recursive read of {@code nodes/<node>/} into a {@link Snapshot}: finds
 * the manifest and assembles the parts it lists and, in the compact layout, the deltas its delta
 * chains back to, each checked against the checksum its successor names (keys taken relative to the
 * node directory). Keys neither the manifest nor that chain names are ignored, so nothing outside
 * the manifest's checksums can reach the disk. Pure; never throws.
 */
public final class SnapshotReader {
  private final KvLayout layout;
  private final String node;
  private final long maxShareBytes;

  public SnapshotReader(KvLayout layout, String node) {
    this(layout, node, ShareBudget.ofThisProcess());
  }

  /** A reader refusing compressed shares that expand past {@code budget}'s share bytes. */
  public SnapshotReader(KvLayout layout, String node, ShareBudget budget) {
    this.layout = layout;
    this.node = Names.node(node);
    this.maxShareBytes = budget.maxShareBytes();
  }

  /** The directory this reader expects its entries from. */
  public String nodeDir() {
    return layout.nodeDir(node);
  }

  public Snapshot read(List<KvEntry> entries) {
    return read(values(entries));
  }

  /**
   * Takes the entries of {@code read}; they are unreachable once their values are copied out, so
   * the raw reply and the decoded share are never both held.
   */
  Snapshot read(ShareRead read) {
    return read(values(read.take()));
  }

  private Map<String, byte[]> values(List<KvEntry> entries) {
    Map<String, byte[]> values = new HashMap<>();
    for (KvEntry e : entries) {
      String relative = layout.relativeToNode(node, e.key());
      if (relative != null && !relative.isEmpty()) {
        values.put(relative, e.value());
      }
    }
    return values;
  }

  private Snapshot read(Map<String, byte[]> values) {
    byte[] manifestBytes = values.get(NodeManifest.KEY);
    if (manifestBytes == null) {
      return new Snapshot.NoManifest();
    }
    NodeManifest manifest;
    try {
      manifest = Json.decodeWire(layout.manifest(node), manifestBytes, NodeManifest.class);
      if (manifest == null) {
        return new Snapshot.Malformed(layout.manifest(node) + ": null manifest");
      }
    } catch (ProtocolException e) {
      return new Snapshot.Malformed(e.getMessage());
    }
    if (!manifest.readable()) {
      return new Snapshot.Malformed(
          layout.manifest(node)
              + ": generation "
              + manifest.generation()
              + " has manifest format "
              + manifest.format()
              + (manifest.format() <= NodeManifest.FORMAT
                  ? " with part encoding " + Names.quote(manifest.encoding())
                  : "")
              + ", newer than this agent ("
              + Version.get()
              + ") reads ("
              + NodeManifest.FORMAT
              + "): upgrade the agent; its files stay as they are");
    }
    try {
      NodeShare share = Parts.assemble(manifest, values, maxShareBytes);
      return new Snapshot.Complete(manifest, share);
    } catch (TooLargeException e) {
      return new Snapshot.TooLarge(
          e.bytes(),
          e.limit(),
          nodeDir()
              + " generation "
              + manifest.generation()
              + ": share too large for this agent's heap: "
              + e.getMessage()
              + " (the files applied last are kept); raise the agent's heap");
    } catch (IncompleteSnapshotException e) {
      return new Snapshot.Incomplete(e.generation(), e.problems());
    } catch (ProtocolException e) {
      return new Snapshot.Malformed(
          nodeDir() + " generation " + manifest.generation() + ": " + e.getMessage());
    }
  }
}

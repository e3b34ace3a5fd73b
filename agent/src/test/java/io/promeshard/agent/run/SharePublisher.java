package io.promeshard.agent.run;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.PartKey;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.TxnOp;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Writes shares to KV the way the coordinator does (changed parts by txn, the manifest last), and
 * reads status back.
 */
public final class SharePublisher {
  private final KvLayout layout = KvLayout.defaults();
  private final ConsulHttp http;
  private final KvClient kv;
  private final TxnWriter txn;

  public SharePublisher(String consulUrl) {
    this.http = ConsulHttp.create(ConsulSettings.of(consulUrl));
    this.kv = new KvClient(http);
    this.txn = new TxnWriter(http);
  }

  public KvLayout layout() {
    return layout;
  }

  public KvClient kv() {
    return kv;
  }

  /** Parts, then the manifest, then deletes parts the manifest no longer lists. */
  public NodeManifest publish(String node, NodeShare share, long generation) {
    Map<String, String> sums = writeParts(node, share);
    NodeManifest manifest =
        NodeManifest.of(
            generation,
            1,
            sums,
            "2026-01-01T00:00:00Z",
            share.manifestIntervals(),
            share.manifestScrape());
    writeManifest(node, manifest);
    try {
      for (KvEntry e : kv.list(layout.nodeDir(node), 0, Duration.ZERO).value()) {
        String rel = layout.relativeToNode(node, e.key());
        if (rel != null && !rel.equals(NodeManifest.KEY) && !sums.containsKey(rel)) {
          kv.delete(e.key());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return manifest;
  }

  /** Writes every part of {@code share} (not the manifest); returns the manifest's part map. */
  public Map<String, String> writeParts(String node, NodeShare share) {
    SortedMap<PartKey, byte[]> parts = Parts.encode(share);
    List<TxnOp> ops = new ArrayList<>();
    parts.forEach((k, v) -> ops.add(TxnOp.set(layout.part(node, k.toString()), v)));
    txn(ops);
    return Parts.checksums(parts);
  }

  public void writeManifest(String node, NodeManifest manifest) {
    txn(List.of(TxnOp.set(layout.manifest(node), Json.encode(manifest))));
  }

  /** Sets any key, bypassing every check (a txn does not clean ".." out of keys as URLs would). */
  public void putRaw(String key, byte[] value) {
    txn(List.of(TxnOp.set(key, value)));
  }

  public Optional<NodeStatus> status(String node) {
    try {
      return kv.get(layout.nodeStatus(node))
          .map(e -> Json.decode(e.key(), e.value(), NodeStatus.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Optional<KvEntry> get(String key) {
    try {
      return kv.get(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void txn(List<TxnOp> ops) {
    try {
      txn.write(Fence.NONE, ops);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

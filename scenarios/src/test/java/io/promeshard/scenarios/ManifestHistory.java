package io.promeshard.scenarios;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.ProtocolException;
import java.io.Closeable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every manifest a poller saw in Consul during a fault, as an agent would see it: per node and
 * generation the distinct part lists published under that number, and the epochs seen. A generation
 * seen with two part lists is a generation reused for other content, which an agent that skips an
 * already applied generation would never apply.
 */
final class ManifestHistory implements Closeable {
  private static final long POLL_MILLIS = 50;

  private final ConsulKv kv;
  private final KvLayout layout;
  private Poller poller;
  private final Map<String, Map<Long, Set<Map<String, String>>>> partsByGeneration =
      new TreeMap<>();
  private final Set<Long> epochs = new TreeSet<>();
  private final Set<String> unreadable = new TreeSet<>();
  private int polls;

  private ManifestHistory(ConsulKv kv, KvLayout layout) {
    this.kv = kv;
    this.layout = layout;
  }

  static ManifestHistory watching(ConsulKv kv, KvLayout layout) {
    ManifestHistory h = new ManifestHistory(kv, layout);
    h.poll();
    h.poller = Poller.start("manifest-history", POLL_MILLIS, h::poll);
    return h;
  }

  /**
   * Each generation published with more than one part list, as {@code node generation N: K
   * contents, differing in [parts]}.
   */
  synchronized List<String> reused() {
    List<String> out = new ArrayList<>();
    partsByGeneration.forEach(
        (node, byGen) ->
            byGen.forEach(
                (gen, contents) -> {
                  if (contents.size() > 1) {
                    out.add(
                        node
                            + " generation "
                            + gen
                            + ": "
                            + contents.size()
                            + " contents, differing in "
                            + differing(contents));
                  }
                }));
    return out;
  }

  /** The parts whose checksum is not the same in every one of {@code contents}. */
  private static Set<String> differing(Set<Map<String, String>> contents) {
    Set<String> keys = new TreeSet<>();
    contents.forEach(c -> keys.addAll(c.keySet()));
    Set<String> out = new TreeSet<>();
    for (String key : keys) {
      if (contents.stream().map(c -> c.get(key)).distinct().count() > 1) {
        out.add(key);
      }
    }
    return out;
  }

  /** Manifests that did not parse, each as {@code key: why}. */
  synchronized Set<String> unreadable() {
    return Set.copyOf(unreadable);
  }

  /** Every epoch seen in a manifest. */
  synchronized Set<Long> epochs() {
    return Set.copyOf(epochs);
  }

  /** Polls made (to show the poller really ran). */
  synchronized int polls() {
    return polls;
  }

  private void poll() {
    Map<String, byte[]> tree;
    try {
      tree = kv.tree(layout.nodesDir());
    } catch (UncheckedIOException e) {
      return; // Consul busy for a moment: the next poll sees the same keys
    }
    synchronized (this) {
      polls++;
      tree.forEach(
          (key, value) -> {
            String node = layout.nodeOf(key);
            if (node == null || !layout.relativeToNode(node, key).equals(NodeManifest.KEY)) {
              return;
            }
            try {
              NodeManifest m = Json.decode(key, value, NodeManifest.class);
              partsByGeneration
                  .computeIfAbsent(node, n -> new TreeMap<>())
                  .computeIfAbsent(m.generation(), g -> new HashSet<>())
                  .add(Map.copyOf(m.parts()));
              epochs.add(m.epoch());
            } catch (ProtocolException e) {
              unreadable.add(key + ": " + e.getMessage());
            }
          });
    }
  }

  @Override
  public void close() {
    poller.close();
  }
}

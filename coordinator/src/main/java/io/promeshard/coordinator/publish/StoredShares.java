package io.promeshard.coordinator.publish;

import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.Parts;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shares as published in Consul, decoded from a {@link Publisher.Stored} read. A new leader
 * uses them to continue from what its predecessor published: as the previous owners (so a takeover
 * moves nothing) and as the targets of jobs whose sources have not answered yet (stale beats
 * partial). Nodes whose stored snapshot is incomplete or malformed are left out.
 */
public final class StoredShares {
  private static final Logger log = LoggerFactory.getLogger(StoredShares.class);

  private final Map<String, NodeShare> shares;

  private StoredShares(Map<String, NodeShare> shares) {
    this.shares = shares;
  }

  public static StoredShares empty() {
    return new StoredShares(Map.of());
  }

  /** The shares just published, as a read would find them. */
  public static StoredShares of(Map<String, NodeShare> shares) {
    return new StoredShares(new TreeMap<>(shares));
  }

  public static StoredShares decode(Publisher.Stored stored) {
    Map<String, NodeShare> shares = new TreeMap<>();
    stored
        .nodes()
        .forEach(
            (node, s) -> {
              NodeShare share =
                  s.share() != null
                      ? s.share()
                      : assemble(node, s.manifest(), stored.values().getOrDefault(node, Map.of()));
              if (share != null) {
                shares.put(node, share);
              }
            });
    return new StoredShares(shares);
  }

  /**
   * The share {@code manifest} describes, from the node's stored values (base and delta parts);
   * null, with a warning, when there is no manifest or the snapshot is incomplete or malformed.
   */
  static NodeShare assemble(String node, NodeManifest manifest, Map<String, byte[]> values) {
    Parts.Assembled a = assembleSteps(node, manifest, values);
    return a == null ? null : a.share();
  }

  /** As {@link #assemble}, with the share before the last delta. */
  static Parts.Assembled assembleSteps(
      String node, NodeManifest manifest, Map<String, byte[]> values) {
    if (manifest == null) {
      return null;
    }
    try {
      return Parts.assembleSteps(manifest, values, Long.MAX_VALUE);
    } catch (ProtocolException e) {
      log.warn("[dispatch] stored share of {} unusable: {}", node, e.getMessage());
      return null;
    }
  }

  public Map<String, NodeShare> shares() {
    return shares;
  }

  /** Owners of each {@code job/address} as published, node names sorted. */
  public Map<String, List<String>> targetOwners() {
    Map<String, List<String>> owners = new TreeMap<>();
    shares.forEach(
        (node, share) ->
            share
                .targets()
                .forEach(
                    (job, groups) ->
                        groups.forEach(
                            g ->
                                g.targets()
                                    .forEach(
                                        address ->
                                            owners
                                                .computeIfAbsent(
                                                    job + "/" + address, k -> new ArrayList<>())
                                                .add(node)))));
    owners.values().forEach(list -> list.sort(null));
    return owners;
  }

  /** Owners of each record name as published. */
  public Map<String, List<String>> recordOwners() {
    Map<String, List<String>> owners = new TreeMap<>();
    shares.forEach(
        (node, share) ->
            share
                .rules()
                .values()
                .forEach(
                    rules ->
                        rules.forEach(
                            r ->
                                owners
                                    .computeIfAbsent(r.record(), k -> new ArrayList<>())
                                    .add(node))));
    owners.values().forEach(list -> list.sort(null));
    return owners;
  }

  /**
   * The targets of {@code job} as published on any node, one group per address (job labels
   * included).
   */
  public List<TargetGroup> targetsOf(String job) {
    Map<String, TargetGroup> byAddress = new TreeMap<>();
    shares
        .values()
        .forEach(
            share ->
                share
                    .targets()
                    .getOrDefault(job, List.of())
                    .forEach(g -> byAddress.putIfAbsent(g.targets().get(0), g)));
    return List.copyOf(byAddress.values());
  }

  /**
   * The targets of {@code job} that {@code source} reported, as published: those labelled {@link
   * TargetGroup#SOURCE_LABEL} {@code source}.
   */
  public List<TargetGroup> targetsOf(String job, String source) {
    return targetsOf(job).stream()
        .filter(g -> source.equals(g.labels().get(TargetGroup.SOURCE_LABEL)))
        .toList();
  }
}

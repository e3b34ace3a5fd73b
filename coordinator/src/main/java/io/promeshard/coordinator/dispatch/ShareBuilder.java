package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.load.LoadModel;
import io.promeshard.coordinator.publish.ShareGroups;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.Explanation;
import io.promeshard.coordinator.shard.Reweighing;
import io.promeshard.coordinator.shard.ShardItem;
import io.promeshard.coordinator.shard.ShardNode;
import io.promeshard.coordinator.shard.ShardRequest;
import io.promeshard.coordinator.shard.Sharder;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a {@link DispatchInput} into per-node shares: job labels are merged under each target's own
 * labels, targets are sharded by {@code job/address} with cost = the job's weight (one sharding per
 * distinct replica count, so balance holds across jobs), and recording rules by record name into
 * the {@code record_group}. Each share carries the scrape settings of the jobs it holds that have
 * them; they never change where a target goes. Pure and deterministic; the previous assignments
 * keep movement minimal.
 */
public final class ShareBuilder {
  private ShareBuilder() {}

  /**
   * Which old owners keep a moving item for now, on top of its new owners (make-before-break): per
   * sharding group, item key → the extra owners.
   */
  public interface Overlap {
    /** No overlap: every item goes to its new owners at once. */
    Overlap NONE = (group, wanted, before) -> Map.of();

    Map<String, List<String>> retain(String group, Assignment wanted, Assignment before);
  }

  /** The shares of {@code in}, every item on its new owners only. */
  public static DispatchOutput build(DispatchInput in, Map<String, Assignment> previous) {
    return build(in, previous, Overlap.NONE);
  }

  /**
   * The shares of {@code in}: each item on the owners the sharding gives it, plus the old owners
   * {@code overlap} keeps (which may be draining nodes that are no longer members).
   */
  public static DispatchOutput build(
      DispatchInput in, Map<String, Assignment> previous, Overlap overlap) {
    return build(in, previous, overlap, new TargetItems());
  }

  /**
   * As {@link #build(DispatchInput, Map, Overlap)}, reusing the items {@code collector} remembers.
   */
  static DispatchOutput build(
      DispatchInput in, Map<String, Assignment> previous, Overlap overlap, TargetItems collector) {
    return build(in, previous, overlap, collector, LoadModel.empty(), 0, false);
  }

  /**
   * As above; with {@code load_aware} on, targets are placed by observed load: costs from {@code
   * load}, cost changes adopted within {@code loadBudget} moves (see {@link LoadPlacement}), and
   * the output's {@link LoadOutcome} says what happened. Without it {@code load} is not used.
   * {@code previousByWeight}: the previous assignments were made without load awareness, so the
   * targets in them start from their weight-derived costs (see {@link LoadModel#cost(List, double,
   * java.util.function.Predicate)}).
   */
  static DispatchOutput build(
      DispatchInput in,
      Map<String, Assignment> previous,
      Overlap overlap,
      TargetItems collector,
      LoadModel load,
      int loadBudget,
      boolean previousByWeight) {
    LoadPlacement byLoad =
        in.settings().loadAware()
            ? new LoadPlacement(
                load, in.settings().loadMinChange(), in.members(), loadBudget, previousByWeight)
            : null;
    List<ShardNode> nodes = nodes(in, false);
    Map<String, Map<String, List<TargetGroup>>> targets = new TreeMap<>();
    Map<String, Map<String, List<RecordRule>>> rules = new TreeMap<>();
    in.members()
        .keySet()
        .forEach(
            n -> {
              targets.put(n, new TreeMap<>());
              rules.put(n, new TreeMap<>());
            });
    Map<String, Assignment> assignments = new TreeMap<>();
    Map<String, Integer> targetsByNode = new TreeMap<>();
    Map<String, Double> costByNode = new TreeMap<>();
    Map<String, Integer> rulesByNode = new TreeMap<>();
    in.members()
        .keySet()
        .forEach(
            n -> {
              targetsByNode.put(n, 0);
              costByNode.put(n, 0.0);
              rulesByNode.put(n, 0);
            });
    int moved = 0;
    int targetCount = 0;

    Map<Integer, List<String>> jobsByReplicas = new TreeMap<>();
    in.jobs()
        .forEach(
            (job, spec) ->
                jobsByReplicas
                    .computeIfAbsent(spec.replicasOr(in.settings()), r -> new ArrayList<>())
                    .add(job));
    for (Map.Entry<Integer, List<String>> group : jobsByReplicas.entrySet()) {
      TargetItems.Collected c = collector.collect(in, group.getValue());
      targetCount += c.items().size();
      String name = ShareGroups.targets(group.getKey());
      ShardRequest request =
          new ShardRequest(
              c.items(), nodes, group.getKey(), in.settings().balance(), previous.get(name));
      Assignment a;
      if (byLoad == null) {
        a = Sharder.assign(request);
      } else {
        Reweighing.Result r = byLoad.assign(c, request);
        a = r.assignment();
        request = request.withItems(r.items());
      }
      assignments.put(name, a);
      moved += movedAgainst(a, previous.get(name));
      Map<String, List<String>> kept = overlap.retain(name, a, previous.get(name));
      place(c, request.items(), a, kept).addTo(targets, targetsByNode, costByNode);
    }

    if (!in.records().isEmpty()) {
      Map<String, RecordRule> byName = new HashMap<>();
      List<ShardItem> items = new ArrayList<>();
      for (RecordRule r : in.records()) {
        if (byName.putIfAbsent(r.record(), r) == null) {
          items.add(new ShardItem(r.record(), 1.0));
        }
      }
      Assignment a =
          Sharder.assign(
              new ShardRequest(
                  items,
                  nodes,
                  in.settings().replicas(),
                  in.settings().balance(),
                  previous.get(ShareGroups.RECORDS)));
      assignments.put(ShareGroups.RECORDS, a);
      moved += movedAgainst(a, previous.get(ShareGroups.RECORDS));
      Map<String, List<String>> kept =
          overlap.retain(ShareGroups.RECORDS, a, previous.get(ShareGroups.RECORDS));
      for (ShardItem item : items) {
        for (String node : owners(a, kept, item.key())) {
          rules
              .computeIfAbsent(node, n -> new TreeMap<>())
              .computeIfAbsent(in.settings().recordGroup(), g -> new ArrayList<>())
              .add(byName.get(item.key()));
          rulesByNode.merge(node, 1, Integer::sum);
        }
      }
    }

    Map<String, ScrapeSettings> scrape = new TreeMap<>();
    in.jobs()
        .forEach(
            (job, spec) -> {
              if (spec.scrape() != null) {
                scrape.put(job, spec.scrape());
              }
            });
    Map<String, NodeShare> shares = new TreeMap<>();
    TreeSet<String> sharing = new TreeSet<>(targets.keySet());
    sharing.addAll(rules.keySet());
    for (String node : sharing) {
      Map<String, List<TargetGroup>> own = targets.getOrDefault(node, Map.of());
      Map<String, ScrapeSettings> ownScrape = new TreeMap<>(scrape);
      ownScrape.keySet().retainAll(own.keySet());
      shares.put(
          node,
          new NodeShare(
              own,
              rules.getOrDefault(node, Map.of()),
              Map.of(in.settings().recordGroup(), in.settings().recordInterval()),
              ownScrape));
    }
    return new DispatchOutput(
        shares,
        assignments,
        targetsByNode,
        costByNode,
        rulesByNode,
        targetCount,
        (int) in.records().stream().map(RecordRule::record).distinct().count(),
        moved,
        byLoad == null ? LoadOutcome.OFF : byLoad.outcome());
  }

  /**
   * Why {@code job/address} goes where it goes: the same sharding request a dispatch makes,
   * explained.
   */
  public static Explanation explain(
      DispatchInput in, Map<String, Assignment> previous, String job, String address) {
    return explain(in, previous, job, address, LoadModel.empty());
  }

  /**
   * As above; with {@code load_aware} on, the items cost what {@code load} (the model a dispatch
   * left, see {@link LoadOutcome#model}) placed them with, under the load-aware bounds and each
   * member's {@code max_series}, so the explanation is that dispatch's.
   */
  public static Explanation explain(
      DispatchInput in,
      Map<String, Assignment> previous,
      String job,
      String address,
      LoadModel load) {
    JobSpec spec = in.jobs().get(job);
    if (spec == null) {
      throw new IllegalArgumentException(
          "job " + job + " is not configured (jobs: " + in.jobs().keySet() + ")");
    }
    int replicas = spec.replicasOr(in.settings());
    List<String> jobs =
        in.jobs().entrySet().stream()
            .filter(e -> e.getValue().replicasOr(in.settings()) == replicas)
            .map(Map.Entry::getKey)
            .toList();
    TargetItems.Collected c = new TargetItems().collect(in, jobs);
    List<ShardItem> items = c.items();
    String key = job + "/" + address;
    if (items.stream().noneMatch(i -> i.key().equals(key))) {
      throw new IllegalArgumentException("job " + job + " has no target " + address);
    }
    ShardRequest request =
        new ShardRequest(
            items,
            nodes(in, in.settings().loadAware()),
            replicas,
            in.settings().balance(),
            previous.get(ShareGroups.targets(replicas)));
    if (in.settings().loadAware()) {
      request = LoadPlacement.costed(c, request, load, in.settings().loadMinChange());
    }
    return Sharder.explain(request, key);
  }

  /** The members as sharding nodes; with {@code maxSeries}, each held to its max_series. */
  private static List<ShardNode> nodes(DispatchInput in, boolean maxSeries) {
    return in.members().values().stream()
        .map(
            m ->
                new ShardNode(
                    m.name(),
                    m.weight(),
                    m.zone(),
                    maxSeries && m.maxSeries() > 0 ? m.maxSeries() : Double.POSITIVE_INFINITY))
        .toList();
  }

  /**
   * Each item of {@code c} on its owners in {@code a} and the old owners {@code kept} meanwhile, in
   * {@code c}'s order (the order of each job's targets): the owners are read in one pass over the
   * assignment, by position in {@code requested} (the request's copy of {@code c}'s items, in the
   * same order) when the assignment was made from it (always, but for no nodes), else by key.
   */
  private static NodeTallies place(
      TargetItems.Collected c,
      List<ShardItem> requested,
      Assignment a,
      Map<String, List<String>> kept) {
    int replicas = a.replicas();
    String[] slots = new String[c.items().size() * replicas];
    int[] filled = new int[c.items().size()];
    boolean positioned =
        a.forEachOwnerOf(requested, (i, node) -> slots[i * replicas + filled[i]++] = node);
    if (!positioned) {
      Map<String, Integer> indexOfKey = new HashMap<>();
      for (int i = 0; i < c.items().size(); i++) {
        indexOfKey.put(c.items().get(i).key(), i);
      }
      a.forEachOwner(
          (key, node) -> {
            int i = indexOfKey.get(key);
            slots[i * replicas + filled[i]++] = node;
          });
    }
    NodeTallies placed = new NodeTallies();
    for (int i = 0; i < filled.length; i++) {
      ShardItem item = requested.get(i); // c's item at the cost it was placed with
      for (int r = 0; r < filled[i]; r++) {
        placed.add(slots[i * replicas + r], c.jobs().get(i), c.groups().get(i), item.cost());
      }
      List<String> extra = kept.isEmpty() ? null : kept.get(item.key());
      if (extra != null) {
        for (String node : extra) {
          placed.add(node, c.jobs().get(i), c.groups().get(i), item.cost());
        }
      }
    }
    return placed;
  }

  /** The owners the sharding gives {@code key}, then the old owners kept meanwhile. */
  private static List<String> owners(Assignment a, Map<String, List<String>> kept, String key) {
    List<String> extra = kept.get(key);
    if (extra == null) {
      return a.owners(key);
    }
    List<String> all = new ArrayList<>(a.owners(key));
    all.addAll(extra);
    return all;
  }

  private static int movedAgainst(Assignment now, Assignment before) {
    return before == null || before.isEmpty() ? 0 : now.movedComparedTo(before);
  }
}

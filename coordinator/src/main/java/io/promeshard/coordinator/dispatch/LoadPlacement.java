package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.load.LoadModel;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.Reweighing;
import io.promeshard.coordinator.shard.ShardItem;
import io.promeshard.coordinator.shard.ShardNode;
import io.promeshard.coordinator.shard.ShardRequest;
import io.promeshard.coordinator.shard.Sharder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Places the target groups of one dispatch by observed load: each item costs what {@link LoadModel}
 * says (samples per scrape), held to the load-aware bounds and to each server's {@code max_series}
 * (less what earlier groups put there), and proposed cost changes are adopted within the move
 * budget left ({@link Reweighing}). Collects what {@link LoadOutcome} reports. Pure; used once, by
 * one thread.
 */
final class LoadPlacement {
  private final LoadModel model;
  private final double minChange;
  private final Map<String, Member> members;
  private int budgetLeft;
  private int moves;
  private int deferred;
  private int measured;
  private final Map<String, Double> placedCosts = new HashMap<>();
  private final Map<String, Double> held = new TreeMap<>();
  private final Map<String, Double> bounds = new TreeMap<>();
  private final List<String> unplaced = new ArrayList<>();

  /**
   * Whether the previous assignments were made by job weight ({@code load_aware} just turned on).
   */
  private final boolean previousByWeight;

  LoadPlacement(
      LoadModel model,
      double minChange,
      Map<String, Member> members,
      int budget,
      boolean previousByWeight) {
    this.model = model;
    this.previousByWeight = previousByWeight;
    this.minChange = minChange;
    this.members = members;
    this.budgetLeft = budget;
  }

  /** Assigns one group's items ({@code c}, at their job weights) like {@code plain}, by load. */
  Reweighing.Result assign(TargetItems.Collected c, ShardRequest plain) {
    List<LoadModel.Target> targets = targets(c);
    Assignment before = plain.previous();
    LoadModel.Costing costing =
        model.cost(
            targets, minChange, key -> previousByWeight && before != null && before.contains(key));
    List<ShardItem> items = new ArrayList<>(targets.size());
    double[] proposed = new double[targets.size()];
    for (int i = 0; i < targets.size(); i++) {
      items.add(new ShardItem(targets.get(i).key(), costing.current(i)));
      proposed[i] = costing.proposed(i);
    }
    ShardRequest request =
        new ShardRequest(items, nodes(), plain.replicas(), plain.balance(), plain.previous())
            .loadAware();
    Reweighing.Result r = Reweighing.assign(request, proposed, budgetLeft);
    budgetLeft -= r.moves();
    moves += r.moves();
    deferred += r.deferred();
    measured += costing.measured();
    unplaced.addAll(r.assignment().unplaced());
    for (ShardItem item : r.items()) {
      placedCosts.put(item.key(), item.cost());
    }
    r.assignment().costByNode().forEach((node, cost) -> held.merge(node, cost, Double::sum));
    ShardRequest placed =
        new ShardRequest(
            r.items(),
            request.nodes(),
            request.replicas(),
            request.balance(),
            null,
            request.costBalance());
    Sharder.costBounds(placed).forEach((node, b) -> bounds.merge(node, b, Double::sum));
    return r;
  }

  /**
   * {@code plain} (items at their job weights) with the costs {@code model} places them at now and
   * the load-aware bounds: what a dispatch that adopted no change would request.
   */
  static ShardRequest costed(
      TargetItems.Collected c, ShardRequest plain, LoadModel model, double minChange) {
    LoadModel.Costing costing = model.cost(targets(c), minChange);
    List<ShardItem> items = new ArrayList<>(c.items().size());
    for (int i = 0; i < c.items().size(); i++) {
      items.add(new ShardItem(c.items().get(i).key(), costing.current(i)));
    }
    return plain.withItems(items).loadAware();
  }

  private static List<LoadModel.Target> targets(TargetItems.Collected c) {
    List<LoadModel.Target> targets = new ArrayList<>(c.items().size());
    for (int i = 0; i < c.items().size(); i++) {
      ShardItem item = c.items().get(i);
      targets.add(new LoadModel.Target(item.key(), c.jobs().get(i), item.cost()));
    }
    return targets;
  }

  /** The members as sharding nodes, each capped at its max_series less what it already holds. */
  private List<ShardNode> nodes() {
    List<ShardNode> out = new ArrayList<>(members.size());
    for (Member m : members.values()) {
      double max =
          m.maxSeries() > 0
              ? Math.max(Double.MIN_VALUE, m.maxSeries() - held.getOrDefault(m.name(), 0.0))
              : Double.POSITIVE_INFINITY;
      out.add(new ShardNode(m.name(), m.weight(), m.zone(), max));
    }
    return out;
  }

  /**
   * What this dispatch did. With nothing measured the costs were the job weights, in other units
   * than samples: the model then keeps no effective costs, so the first samples start from the
   * weights scaled to samples and are adopted within the budget (see {@link LoadTracker}).
   */
  LoadOutcome outcome() {
    Map<String, Double> capped = new TreeMap<>(bounds);
    members.forEach(
        (name, m) -> {
          if (m.maxSeries() > 0) {
            capped.merge(name, (double) m.maxSeries(), Math::min);
          }
        });
    return new LoadOutcome(
        true,
        model.placedWith(measured == 0 ? Map.of() : placedCosts),
        moves,
        deferred,
        unplaced,
        held,
        capped,
        measured,
        budgetLeft);
  }
}

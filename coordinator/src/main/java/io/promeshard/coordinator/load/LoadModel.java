package io.promeshard.coordinator.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What each target costs a Prometheus server, in samples per scrape: the observed samples smoothed
 * over time, and the effective cost placement uses, which follows the smoothed value only when the
 * two differ by a factor of at least {@code load_min_change} (hysteresis: small drifts never move a
 * target). Targets never measured cost their job's {@code weight} times the median samples per unit
 * of weight of their job's measured targets, else of all measured targets, else 1 (so with no
 * reports at all the costs are the job weights, as without load awareness). A measured target costs
 * at least 1 (a target yielding no samples still costs a scrape). Immutable and pure: time is an
 * argument; the dispatcher thread owns the current value.
 *
 * <p>Smoothing is an exponentially weighted average in time: each observation pulls the smoothed
 * value towards the latest samples by {@code 1 - 2^(-elapsed / half-life)}, so the result does not
 * depend on how often it is looked at (a dispatch every second or every minute), only on how long a
 * level has lasted. A target seen for the first time starts at its samples.
 */
public final class LoadModel {
  /** The cost of a target reporting no samples (it still costs a scrape). */
  static final double MIN_COST = 1.0;

  private static final LoadModel EMPTY = new LoadModel(Map.of(), Map.of(), null);

  /** Target key → smoothed samples; only targets measured at least once. */
  private final Map<String, Double> smoothed;

  /** Target key → the cost placement uses. */
  private final Map<String, Double> effective;

  /** When {@link #smoothed} was last updated; null before the first observation. */
  private final Instant observedAt;

  private LoadModel(Map<String, Double> smoothed, Map<String, Double> effective, Instant at) {
    this.smoothed = smoothed;
    this.effective = effective;
    this.observedAt = at;
  }

  /** Nothing observed, no effective costs: every target's first cost is its estimate. */
  public static LoadModel empty() {
    return EMPTY;
  }

  /** One target to cost: its key ({@code job/address}), its job and the job's weight. */
  public record Target(String key, String job, double weight) {}

  /**
   * The costs of one dispatch: per target (in the order given), the cost to place it with now
   * ({@code current}: its effective cost, or its estimate when it has none yet) and the cost the
   * model would move it to ({@code proposed}, NaN when the change is below {@code
   * load_min_change}). {@code measured}: how many of the targets have observed samples.
   */
  public static final class Costing {
    private final double[] current;
    private final double[] proposed;
    private final int measured;

    Costing(double[] current, double[] proposed, int measured) {
      this.current = current;
      this.proposed = proposed;
      this.measured = measured;
    }

    public int size() {
      return current.length;
    }

    /** The cost target i is placed with now. */
    public double current(int i) {
      return current[i];
    }

    /** The cost the model would move target i to, or NaN. */
    public double proposed(int i) {
      return proposed[i];
    }

    public int measured() {
      return measured;
    }

    /** How many targets have a proposed new cost. */
    public int proposals() {
      int n = 0;
      for (double p : proposed) {
        if (!Double.isNaN(p)) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * The model after observing {@code samples} (target key → samples per scrape, the latest reports)
   * at {@code now}. Targets absent from {@code samples} keep their smoothed value (a late report
   * does not reset a target to its estimate). Observations in the past of the last one are taken as
   * simultaneous with it.
   */
  public LoadModel observe(Map<String, Long> samples, Instant now, Duration halfLife) {
    if (samples.isEmpty()) {
      return this;
    }
    double pull =
        pull(observedAt == null ? Duration.ZERO : Duration.between(observedAt, now), halfLife);
    Map<String, Double> next = new HashMap<>(smoothed);
    samples.forEach(
        (key, value) -> {
          double x = Math.max(0, value);
          next.merge(key, x, (old, fresh) -> old + pull * (fresh - old));
        });
    Instant at = observedAt == null || now.isAfter(observedAt) ? now : observedAt;
    return new LoadModel(Map.copyOf(next), effective, at);
  }

  /** The weight of the newest observation after {@code elapsed}: 1 without smoothing. */
  static double pull(Duration elapsed, Duration halfLife) {
    if (halfLife.isZero()) {
      return 1;
    }
    if (elapsed.isNegative() || elapsed.isZero()) {
      return 0;
    }
    return 1 - Math.pow(2, -(double) elapsed.toMillis() / halfLife.toMillis());
  }

  /**
   * The current and proposed costs of {@code targets}: a target with an effective cost is proposed
   * its estimate when the two differ by a factor of {@code minChange} or more; a target without one
   * (new, or first seen by this process) is costed at its estimate at once, which is not a change
   * of anything already placed.
   */
  public Costing cost(List<Target> targets, double minChange) {
    return cost(targets, minChange, key -> false);
  }

  /**
   * As {@link #cost(List, double)}, except that a target without an effective cost for which {@code
   * placedByWeight} holds is taken as placed at its weight-derived cost (its job weight times the
   * fleet's median samples per unit of weight: the same relative costs as its weight), and proposed
   * its estimate from there. For turning {@code load_aware} on: the targets already placed by
   * weight then reach their measured costs within the move budget, not all at once.
   */
  public Costing cost(List<Target> targets, double minChange, Predicate<String> placedByWeight) {
    Estimates est = new Estimates(targets);
    double[] current = new double[targets.size()];
    double[] proposed = new double[targets.size()];
    Arrays.fill(proposed, Double.NaN);
    for (int i = 0; i < current.length; i++) {
      Target t = targets.get(i);
      double want = est.of(t);
      Double have = effective.get(t.key());
      if (have == null && placedByWeight.test(t.key())) {
        have = t.weight() * est.perUnitOfFleet;
      }
      if (have == null) {
        current[i] = want;
      } else {
        current[i] = have;
        if (want >= have * minChange || want * minChange <= have) {
          proposed[i] = want;
        }
      }
    }
    return new Costing(current, proposed, est.measured);
  }

  /**
   * The model whose effective costs are {@code costs} (target key → cost placed with), for exactly
   * those targets: targets no longer placed are forgotten, smoothed values included.
   */
  public LoadModel placedWith(Map<String, Double> costs) {
    Map<String, Double> kept = new HashMap<>();
    smoothed.forEach(
        (key, value) -> {
          if (costs.containsKey(key)) {
            kept.put(key, value);
          }
        });
    return new LoadModel(Map.copyOf(kept), Map.copyOf(costs), observedAt);
  }

  /** The smoothed samples of {@code key}, or NaN if it was never measured. */
  public double smoothed(String key) {
    Double s = smoothed.get(key);
    return s == null ? Double.NaN : s;
  }

  /** The effective cost of {@code key}, or NaN if it has none yet. */
  public double effective(String key) {
    Double e = effective.get(key);
    return e == null ? Double.NaN : e;
  }

  /** The estimated cost of each target: smoothed samples, or derived from the job's weight. */
  private final class Estimates {
    private final Map<String, Double> perUnitOfJob = new HashMap<>();
    private final double perUnitOfFleet;
    private int measured;

    Estimates(List<Target> targets) {
      Map<String, List<Double>> byJob = new HashMap<>();
      List<Double> all = new ArrayList<>();
      for (Target t : targets) {
        Double s = smoothed.get(t.key());
        if (s != null) {
          double perUnit = Math.max(MIN_COST, s) / t.weight();
          byJob.computeIfAbsent(t.job(), j -> new ArrayList<>()).add(perUnit);
          all.add(perUnit);
          measured++;
        }
      }
      byJob.forEach((job, values) -> perUnitOfJob.put(job, median(values)));
      perUnitOfFleet = all.isEmpty() ? 1.0 : median(all);
    }

    double of(Target t) {
      Double s = smoothed.get(t.key());
      if (s != null) {
        return Math.max(MIN_COST, s);
      }
      return t.weight() * perUnitOfJob.getOrDefault(t.job(), perUnitOfFleet);
    }
  }

  /** The median (the mean of the middle two for an even count); values must not be empty. */
  static double median(List<Double> values) {
    double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    int mid = a.length / 2;
    return a.length % 2 == 1 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
  }
}

package io.promeshard.bench.sharding;

import io.promeshard.coordinator.shard.ShardItem;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The targets to place: keys {@code job-k/10.a.b.c:9100} (the address part is what the baselines
 * hash, as their originals hash {@code __address__}), Pareto(alpha, x_min = 1) costs from a fixed
 * seed, and the {@link ShardItem}s prome-shard's sharder takes. Throws IllegalArgumentException for
 * a count outside 1..16M.
 */
public final class Workload {
  public static final double PARETO_ALPHA = 1.2;
  public static final long DEFAULT_SEED = 42;

  /** The fewest samples a target of a heavy-tailed workload yields (a small exporter). */
  public static final double SAMPLES_MIN = 200;

  private final String[] keys;
  private final String[] addresses;
  private final double[] costs;
  private final List<ShardItem> items;
  private final double totalCost;
  private final double maxCost;

  private Workload(String[] keys, String[] addresses, double[] costs) {
    this.keys = keys;
    this.addresses = addresses;
    this.costs = costs;
    List<ShardItem> list = new ArrayList<>(keys.length);
    double total = 0;
    double max = 0;
    for (int i = 0; i < keys.length; i++) {
      list.add(new ShardItem(keys[i], costs[i]));
      total += costs[i];
      max = Math.max(max, costs[i]);
    }
    this.items = List.copyOf(list);
    this.totalCost = total;
    this.maxCost = max;
  }

  /** {@code count} targets over 7 jobs with Pareto costs drawn from {@code seed}. */
  public static Workload pareto(int count, long seed) {
    if (count < 1 || count > (1 << 24)) {
      throw new IllegalArgumentException("workload: count must be in 1..16777216, found " + count);
    }
    SplittableRandom random = new SplittableRandom(seed);
    String[] keys = new String[count];
    String[] addresses = new String[count];
    double[] costs = new double[count];
    for (int i = 0; i < count; i++) {
      addresses[i] = "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255) + ":9100";
      keys[i] = "job-" + (i % 7) + "/" + addresses[i];
      double u = 1.0 - random.nextDouble(); // (0, 1]
      costs[i] = Math.pow(u, -1 / PARETO_ALPHA);
    }
    return new Workload(keys, addresses, costs);
  }

  /**
   * {@code count} targets over 7 jobs whose costs are samples per scrape drawn from a heavy-tailed
   * distribution: {@link #SAMPLES_MIN} times Pareto({@link #PARETO_ALPHA}) from {@code seed},
   * rounded, and truncated so that no target exceeds the average server's share of the total over
   * {@code nodes} servers (the truncation lowers the total, so the cap is found by iteration).
   */
  public static Workload heavyTail(int count, int nodes, long seed) {
    Workload raw = pareto(count, seed);
    double[] samples = new double[count];
    for (int i = 0; i < count; i++) {
      samples[i] = Math.round(SAMPLES_MIN * raw.costs[i]);
    }
    double cap = Double.POSITIVE_INFINITY;
    for (int round = 0; round < 100; round++) {
      double total = 0;
      for (double x : samples) {
        total += Math.min(x, cap);
      }
      double next = Math.floor(total / nodes);
      if (next == cap) {
        break;
      }
      cap = next;
    }
    for (int i = 0; i < count; i++) {
      samples[i] = Math.min(samples[i], cap);
    }
    return new Workload(raw.keys, raw.addresses, samples);
  }

  /** The same targets at the given costs (index by index). */
  public Workload withCosts(double[] costs) {
    if (costs.length != keys.length) {
      throw new IllegalArgumentException(
          "workload: " + costs.length + " costs for " + keys.length + " targets");
    }
    return new Workload(keys, addresses, costs.clone());
  }

  /** The same targets at cost 1 each: what count-balanced placement sees. */
  public Workload withUnitCosts() {
    double[] ones = new double[keys.length];
    java.util.Arrays.fill(ones, 1.0);
    return new Workload(keys, addresses, ones);
  }

  public int size() {
    return keys.length;
  }

  public String key(int i) {
    return keys[i];
  }

  public String address(int i) {
    return addresses[i];
  }

  public double cost(int i) {
    return costs[i];
  }

  public List<ShardItem> items() {
    return items;
  }

  public double totalCost() {
    return totalCost;
  }

  public double maxCost() {
    return maxCost;
  }

  /**
   * Node names as the original ring saw them (a Prometheus host's IP): 10.100.0.1, 10.100.0.2, ...
   */
  public static String nodeName(int n) {
    return "10.100." + (n / 250) + "." + (n % 250 + 1);
  }

  public static List<String> nodes(int count) {
    List<String> out = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      out.add(nodeName(n));
    }
    return out;
  }
}

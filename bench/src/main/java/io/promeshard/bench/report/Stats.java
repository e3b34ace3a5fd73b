package io.promeshard.bench.report;

import java.util.Arrays;
import java.util.Locale;

/**
 * Order statistics over samples (nearest-rank percentiles) and number formatting for the tables.
 */
public final class Stats {
  private Stats() {}

  public static double median(double[] samples) {
    return percentile(samples, 50);
  }

  /**
   * Nearest-rank percentile: the smallest sample with at least {@code p}% of samples at or below
   * it.
   */
  public static double percentile(double[] samples, double p) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("percentile of no samples");
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public static double max(double[] samples) {
    return Arrays.stream(samples).max().orElseThrow();
  }

  public static double mean(double[] samples) {
    return Arrays.stream(samples).average().orElseThrow();
  }

  /** Fixed decimals, '.' as separator whatever the locale. */
  public static String f(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** Thousands with ',' (e.g. 100,000). */
  public static String n(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** A size such as 10k or 1M for (items, nodes) labels. */
  public static String size(int count) {
    if (count >= 1_000_000 && count % 1_000_000 == 0) {
      return count / 1_000_000 + "M";
    }
    if (count >= 1000 && count % 1000 == 0) {
      return count / 1000 + "k";
    }
    return Integer.toString(count);
  }
}

package io.promeshard.agent.observe;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Joins Prometheus' active targets to the series of {@code scrape_samples_post_metric_relabeling}:
 * that series carries exactly the target's labels after relabeling ({@code labels} in {@code
 * /api/v1/targets}), so a label set names one target, unless relabeling gave two targets the same
 * labels. Pure; one instance per measurement, fed the targets first, then the series.
 *
 * <p>A target is measured when it is up and each of its entries (one per scrape config reading its
 * file) has a label set of its own and a series; its samples are the sum over its entries (both
 * scrapes land in this Prometheus). Anything else leaves it out: relabeled to a label set another
 * target has (both are left out: the series cannot be split), not up (down, or not scraped yet), or
 * no series yet.
 */
final class SampleJoin {
  /** Marks a label set that two targets share. */
  private static final String SHARED = "";

  private final Map<String, String> targetOf = new HashMap<>(); // label set → key, or SHARED
  private final Map<String, Entry> byKey = new TreeMap<>();

  private static final class Entry {
    int entries;
    int found;
    long samples;
    boolean spoiled;
  }

  /**
   * Prometheus lists target {@code key} with these labels (after relabeling), up or not; {@code
   * labels} is its label set as {@link #labelSet} writes it.
   */
  void target(String key, boolean up, String labels) {
    Entry e = byKey.computeIfAbsent(key, k -> new Entry());
    // a target not up still writes its series (0 samples when down): its label set counts too
    e.spoiled |= !up;
    String before = targetOf.putIfAbsent(labels, key);
    if (before == null) {
      e.entries++;
    } else if (!before.equals(key)) {
      e.spoiled = true;
      if (!before.equals(SHARED)) {
        byKey.get(before).spoiled = true;
        targetOf.put(labels, SHARED);
      }
    }
  }

  /** A series of the metric with these labels (without {@code __name__}) and value. */
  void series(String labels, double value) {
    String key = targetOf.get(labels);
    if (key == null || key.equals(SHARED) || !Double.isFinite(value) || value < 0) {
      return;
    }
    Entry e = byKey.get(key);
    e.found++;
    e.samples += Math.round(value);
  }

  TargetSamples result() {
    Map<String, Long> samples = new TreeMap<>();
    int unmeasured = 0;
    for (Map.Entry<String, Entry> kv : byKey.entrySet()) {
      Entry e = kv.getValue();
      if (!e.spoiled && e.entries > 0 && e.found == e.entries) {
        samples.put(kv.getKey(), e.samples);
      } else {
        unmeasured++;
      }
    }
    return new TargetSamples(samples, unmeasured);
  }

  /**
   * A label set as one string, whatever order the labels came in: each name and value prefixed by
   * its length, so no name or value can fake a separator.
   */
  static String labelSet(Map<String, String> labels) {
    StringBuilder out = new StringBuilder(labels.size() * 24);
    new TreeMap<>(labels)
        .forEach(
            (name, value) ->
                out.append(name.length())
                    .append(':')
                    .append(name)
                    .append(value.length())
                    .append(':')
                    .append(value));
    return out.toString();
  }
}

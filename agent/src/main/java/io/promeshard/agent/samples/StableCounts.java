package io.promeshard.agent.samples;

import io.promeshard.protocol.SampleReport;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rounds measured sample counts for a report ({@link SampleReport#quantize}: two significant
 * digits) without flapping: a target whose new count is within 5 % of what was last reported keeps
 * that number, so a count hovering at a rounding boundary (1049, 1051, …) does not rewrite the
 * report at every measurement. Pure.
 */
final class StableCounts {
  /** How far a count may move from the reported number before it is reported anew. */
  static final double TOLERANCE = 0.05;

  private StableCounts() {}

  /** {@code measured}, rounded, each kept at its number in {@code reported} when close to it. */
  static Map<String, Long> round(Map<String, Long> reported, Map<String, Long> measured) {
    Map<String, Long> out = new TreeMap<>();
    measured.forEach(
        (key, n) -> {
          Long before = reported.get(key);
          boolean close = before != null && Math.abs(n - before) <= TOLERANCE * before;
          out.put(key, close ? before : SampleReport.quantize(n));
        });
    return out;
  }
}

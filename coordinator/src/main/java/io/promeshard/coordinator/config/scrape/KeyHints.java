package io.promeshard.coordinator.config.scrape;

import java.util.Collection;
import java.util.Locale;

/**
 * Finds the known key an unknown one was probably meant to be: the same letters in another case or
 * with other separators ({@code scrapeInterval}), or at most two edits away ({@code metric_path});
 * one edit for keys of up to four letters, which two edits would make anything.
 */
final class KeyHints {
  private static final int MAX_EDITS = 2;

  private KeyHints() {}

  /** {@code ", did you mean "x"?"} for the closest of {@code known}, or "" when none is close. */
  static String closest(String key, Collection<String> known) {
    String best = null;
    String wanted = normal(key);
    int bestDistance = (wanted.length() <= 4 ? 1 : MAX_EDITS) + 1;
    for (String candidate : known.stream().sorted().toList()) {
      int d = distance(wanted, normal(candidate));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best == null ? "" : ", did you mean \"" + best + "\"?";
  }

  private static String normal(String key) {
    return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

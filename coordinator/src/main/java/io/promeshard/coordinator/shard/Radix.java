package io.promeshard.coordinator.shard;

/**
 * A stable LSD radix sort of 64-bit keys (unsigned order) carrying an int payload: O(n), no boxing.
 */
final class Radix {
  private Radix() {}

  /** Sorts keys ascending as unsigned values. */
  static void sort(long[] keys) {
    sort(keys, null);
  }

  /**
   * Sorts keys ascending as unsigned values, applying the same permutation to payload (if not
   * null).
   */
  static void sort(long[] keys, int[] payload) {
    int n = keys.length;
    long[] k2 = new long[n];
    int[] p2 = payload == null ? null : new int[n];
    int[] counts = new int[257];
    for (int shift = 0; shift < 64; shift += 8) {
      java.util.Arrays.fill(counts, 0);
      for (long k : keys) {
        counts[(int) ((k >>> shift) & 0xff) + 1]++;
      }
      if (allInOneBucket(counts, n)) {
        continue;
      }
      for (int b = 0; b < 256; b++) {
        counts[b + 1] += counts[b];
      }
      for (int i = 0; i < n; i++) {
        int b = (int) ((keys[i] >>> shift) & 0xff);
        int at = counts[b]++;
        k2[at] = keys[i];
        if (payload != null) {
          p2[at] = payload[i];
        }
      }
      System.arraycopy(k2, 0, keys, 0, n);
      if (payload != null) {
        System.arraycopy(p2, 0, payload, 0, n);
      }
    }
  }

  private static boolean allInOneBucket(int[] counts, int n) {
    for (int b = 1; b <= 256; b++) {
      if (counts[b] == n) {
        return true;
      }
    }
    return false;
  }
}

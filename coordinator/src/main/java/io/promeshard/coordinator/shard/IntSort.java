package io.promeshard.coordinator.shard;

/**
 * A stable merge sort of int arrays under a primitive comparator, so sorting indices boxes nothing.
 */
final class IntSort {
  /** Compares two ints; same contract as {@link java.util.Comparator#compare}. */
  @FunctionalInterface
  interface IntComparator {
    int compare(int a, int b);
  }

  private static final int INSERTION_MAX = 24;

  private IntSort() {}

  static void sort(int[] a, IntComparator cmp) {
    int[] buf = a.clone();
    mergeSort(buf, a, 0, a.length, cmp);
  }

  /** Sorts src[from, to) into dst[from, to); both hold the same elements on entry. */
  private static void mergeSort(int[] src, int[] dst, int from, int to, IntComparator cmp) {
    int len = to - from;
    if (len <= INSERTION_MAX) {
      for (int i = from + 1; i < to; i++) {
        int v = dst[i];
        int j = i - 1;
        while (j >= from && cmp.compare(dst[j], v) > 0) {
          dst[j + 1] = dst[j];
          j--;
        }
        dst[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(dst, src, from, mid, cmp);
    mergeSort(dst, src, mid, to, cmp);
    if (cmp.compare(src[mid - 1], src[mid]) <= 0) {
      System.arraycopy(src, from, dst, from, len);
      return;
    }
    for (int i = from, p = from, q = mid; i < to; i++) {
      if (q >= to || (p < mid && cmp.compare(src[p], src[q]) <= 0)) {
        dst[i] = src[p++];
      } else {
        dst[i] = src[q++];
      }
    }
  }
}

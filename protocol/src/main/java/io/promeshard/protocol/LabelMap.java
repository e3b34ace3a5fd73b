package io.promeshard.protocol;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The labels of a {@link TargetGroup}: an immutable map sorted by name, stored as one array of
 * names and values. An agent holds every target of its share at once; a {@code TreeMap} per target
 * costs about three times as much (an object per entry), which set how many targets fit a small
 * heap. Equal to any {@link Map} with the same entries; every mutator throws
 * UnsupportedOperationException.
 */
final class LabelMap extends AbstractMap<String, String> {
  private static final LabelMap EMPTY = new LabelMap(new String[0]);

  /** name0, value0, name1, value1, ... sorted by name. */
  private final String[] pairs;

  private LabelMap(String[] pairs) {
    this.pairs = pairs;
  }

  /** A sorted copy of {@code labels}, whose names and values are not null (checked by caller). */
  static LabelMap copyOf(Map<String, String> labels) {
    if (labels instanceof LabelMap m) {
      return m;
    }
    if (labels.isEmpty()) {
      return EMPTY;
    }
    List<Map.Entry<String, String>> entries = new ArrayList<>(labels.entrySet());
    entries.sort(Map.Entry.comparingByKey());
    String[] pairs = new String[entries.size() * 2];
    for (int i = 0; i < entries.size(); i++) {
      pairs[2 * i] = entries.get(i).getKey();
      pairs[2 * i + 1] = entries.get(i).getValue();
    }
    return new LabelMap(pairs);
  }

  /**
   * The labels of {@code pairs} (name0, value0, name1, value1, ...; taken, not copied), sorted by
   * name; null when a name repeats.
   */
  static LabelMap ofPairs(String[] pairs) {
    if (pairs.length == 0) {
      return EMPTY;
    }
    if (!sorted(pairs)) {
      String[][] byName = new String[pairs.length / 2][];
      for (int i = 0; i < byName.length; i++) {
        byName[i] = new String[] {pairs[2 * i], pairs[2 * i + 1]};
      }
      Arrays.sort(byName, (a, b) -> a[0].compareTo(b[0]));
      for (int i = 0; i < byName.length; i++) {
        pairs[2 * i] = byName[i][0];
        pairs[2 * i + 1] = byName[i][1];
      }
    }
    for (int i = 2; i < pairs.length; i += 2) {
      if (pairs[i - 2].equals(pairs[i])) {
        return null;
      }
    }
    return new LabelMap(pairs);
  }

  private static boolean sorted(String[] pairs) {
    for (int i = 2; i < pairs.length; i += 2) {
      if (pairs[i - 2].compareTo(pairs[i]) > 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int size() {
    return pairs.length / 2;
  }

  @Override
  public boolean containsKey(Object key) {
    return index(key) >= 0;
  }

  @Override
  public String get(Object key) {
    int i = index(key);
    return i < 0 ? null : pairs[2 * i + 1];
  }

  private int index(Object key) {
    if (!(key instanceof String k)) {
      return -1;
    }
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = pairs[2 * mid].compareTo(k);
      if (c == 0) {
        return mid;
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  /** As {@link AbstractMap#equals}, without allocating entries when both sides are LabelMaps. */
  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMap m ? Arrays.equals(pairs, m.pairs) : super.equals(o);
  }

  /** As {@link Map#hashCode()} requires (sum of key ^ value hashes), without allocating entries. */
  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < pairs.length; i += 2) {
      h += pairs[i].hashCode() ^ pairs[i + 1].hashCode();
    }
    return h;
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < pairs.length;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (i >= pairs.length) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, String> e = new SimpleImmutableEntry<>(pairs[i], pairs[i + 1]);
            i += 2;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return pairs.length / 2;
      }
    };
  }
}

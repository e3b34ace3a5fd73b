package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The change from one list of a share (a job's target groups, a rule group's rules) to the next, by
 * position: the indices in the old list of the entries {@code remove}d, then entries {@code add}ed,
 * the i-th at index {@code at[i]} of the new list. Positions rather than keys keep a delta to a few
 * bytes per moved entry; they are exact because the base and every earlier delta are checksummed.
 * When the new list is sorted by key (the coordinator's target lists are, by address), {@code at}
 * is left out: the added entries, in key order, are merged into what is left of the old list, each
 * before the first remaining entry whose key sorts after its own. {@code like}, when present, gives
 * per added entry the index in the old list of an entry whose labels it shares ({@code -1}: its own
 * labels are written), so a moved target costs its address, not its labels again. Applying a delta
 * reproduces the new list exactly, order included.
 */
public record ListDelta<T>(
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> remove,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> at,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<T> add,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Integer> like) {

  public ListDelta {
    remove = remove == null ? List.of() : List.copyOf(remove);
    at = at == null ? List.of() : List.copyOf(at);
    add = add == null ? List.of() : List.copyOf(add);
    like = like == null ? List.of() : List.copyOf(like);
    if ((!at.isEmpty() && at.size() != add.size())
        || (!like.isEmpty() && like.size() != add.size())) {
      throw new ProtocolException(
          "delta: "
              + add.size()
              + " added entries with "
              + at.size()
              + " indices and "
              + like.size()
              + " label references");
    }
  }

  @JsonIgnore
  public boolean isEmpty() {
    return remove.isEmpty() && add.isEmpty();
  }

  /** This delta with {@code like} as its label references and {@code add} as its added entries. */
  ListDelta<T> withAdded(List<T> added, List<Integer> references) {
    return new ListDelta<>(remove, at, added, references);
  }

  /**
   * The delta from {@code from} to {@code to}, entries matched by {@code key}; empty when none can
   * express it: keys repeat within a list, or entries in both lists appear in another order.
   */
  public static <T> Optional<ListDelta<T>> between(
      List<T> from, List<T> to, Function<T, String> key) {
    Map<String, T> old = new HashMap<>(from.size() * 2);
    for (T entry : from) {
      if (old.put(key.apply(entry), entry) != null) {
        return Optional.empty();
      }
    }
    Set<String> seen = new HashSet<>(to.size() * 2);
    Set<String> kept = new HashSet<>(to.size() * 2);
    List<String> keptInNewOrder = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    List<T> add = new ArrayList<>();
    for (int i = 0; i < to.size(); i++) {
      T entry = to.get(i);
      String k = key.apply(entry);
      if (!seen.add(k)) {
        return Optional.empty();
      }
      if (entry.equals(old.get(k))) {
        kept.add(k);
        keptInNewOrder.add(k);
      } else {
        at.add(i);
        add.add(entry);
      }
    }
    List<Integer> remove = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < from.size(); i++) {
      String k = key.apply(from.get(i));
      if (!kept.contains(k)) {
        remove.add(i);
      } else if (!k.equals(keptInNewOrder.get(next++))) {
        return Optional.empty(); // kept entries reordered
      }
    }
    List<Integer> positions = ascending(to, key) ? List.of() : gaps(at);
    return Optional.of(new ListDelta<>(gaps(remove), positions, add, List.of()));
  }

  /** True when the keys of {@code list} are in strictly ascending order. */
  private static <T> boolean ascending(List<T> list, Function<T, String> key) {
    for (int i = 1; i < list.size(); i++) {
      if (key.apply(list.get(i - 1)).compareTo(key.apply(list.get(i))) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** True when the added entries are merged by key rather than placed at positions. */
  @JsonIgnore
  public boolean merged() {
    return at.isEmpty() && !add.isEmpty();
  }

  /**
   * {@code base} with this delta applied ({@code like} already resolved by the caller).
   *
   * @throws ProtocolException naming {@code where} when the delta does not fit {@code base}: an
   *     index out of order or past the end, or merged entries not in ascending order of {@code key}
   */
  public List<T> applyTo(String where, List<T> base, Function<T, String> key) {
    List<T> out = new ArrayList<>(Math.max(0, base.size() - remove.size()) + add.size());
    int last = -1;
    for (int index : indices(remove)) {
      if (index <= last || index >= base.size()) {
        throw new ProtocolException(
            where + ": removes entry " + index + " of " + base.size() + " (out of order or range)");
      }
      out.addAll(base.subList(last + 1, index));
      last = index;
    }
    out.addAll(base.subList(last + 1, base.size()));
    return merged() ? merge(where, out, key) : insert(where, out);
  }

  private List<T> insert(String where, List<T> out) {
    int last = -1;
    List<Integer> positions = indices(at);
    for (int i = 0; i < add.size(); i++) {
      int index = positions.get(i);
      if (index <= last || index > out.size()) {
        throw new ProtocolException(where + ": adds an entry at invalid index " + index);
      }
      out.add(index, add.get(i));
      last = index;
    }
    return out;
  }

  /** {@code kept} with the added entries merged in by key (they must ascend). */
  private List<T> merge(String where, List<T> kept, Function<T, String> key) {
    List<T> out = new ArrayList<>(kept.size() + add.size());
    int k = 0;
    String previous = null;
    for (T entry : add) {
      String next = key.apply(entry);
      if (previous != null && previous.compareTo(next) >= 0) {
        throw new ProtocolException(
            where
                + ": merged entry "
                + Names.quote(next)
                + " does not sort after "
                + Names.quote(previous));
      }
      while (k < kept.size() && key.apply(kept.get(k)).compareTo(next) < 0) {
        out.add(kept.get(k++));
      }
      out.add(entry);
      previous = next;
    }
    out.addAll(kept.subList(k, kept.size()));
    return out;
  }

  private static List<Integer> gaps(List<Integer> ascending) {
    List<Integer> out = new ArrayList<>(ascending.size());
    int previous = 0;
    for (int index : ascending) {
      out.add(index - previous);
      previous = index;
    }
    return out;
  }

  /**
   * The indices of stored gaps; a gap below 1 after the first gives a repeated index, refused
   * later.
   */
  private static List<Integer> indices(List<Integer> gaps) {
    List<Integer> out = new ArrayList<>(gaps.size());
    long index = 0;
    for (int gap : gaps) {
      index += gap;
      out.add(index < Integer.MIN_VALUE || index > Integer.MAX_VALUE ? -1 : (int) index);
    }
    return out;
  }
}

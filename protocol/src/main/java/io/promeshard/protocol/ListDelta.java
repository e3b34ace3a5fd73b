package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The change from one list of a share (a job's target groups, a rule group's rules) to the next:
 * the keys of the entries {@code remove}d, then entries {@code add}ed, each at its index in the new
 * list. Entries are keyed (a group by its first address, a rule by its record name); an entry whose
 * content changed is removed and added again. Applying it reproduces the new list exactly, order
 * included.
 */
public record ListDelta<T>(
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> remove,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Insert<T>> add) {

  /** One entry added at index {@code at} of the resulting list. */
  public record Insert<T>(
      @JsonProperty(required = true) int at, @JsonProperty(required = true) T item) {
    public Insert {
      if (at < 0 || item == null) {
        throw new ProtocolException("delta: an added entry needs an index >= 0 and an item");
      }
    }
  }

  public ListDelta {
    remove = remove == null ? List.of() : List.copyOf(remove);
    add = add == null ? List.of() : List.copyOf(add);
  }

  public boolean isEmpty() {
    return remove.isEmpty() && add.isEmpty();
  }

  /**
   * The delta from {@code from} to {@code to}, or empty when none can express it: keys repeat
   * within a list, or entries in both lists appear in another order.
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
    List<Insert<T>> add = new ArrayList<>();
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
        add.add(new Insert<>(i, entry));
      }
    }
    List<String> remove = new ArrayList<>();
    int next = 0;
    for (T entry : from) {
      String k = key.apply(entry);
      if (!kept.contains(k)) {
        remove.add(k);
      } else if (!k.equals(keptInNewOrder.get(next++))) {
        return Optional.empty(); // kept entries reordered
      }
    }
    return Optional.of(new ListDelta<>(remove, add));
  }

  /**
   * {@code base} with this delta applied.
   *
   * @throws ProtocolException naming {@code where} when the delta does not fit {@code base} (a key
   *     to remove is missing, an index is out of order or past the end)
   */
  public List<T> applyTo(String where, List<T> base, Function<T, String> key) {
    Set<String> gone = new HashSet<>(remove);
    if (gone.size() != remove.size()) {
      throw new ProtocolException(where + ": a key is removed twice");
    }
    List<T> out = new ArrayList<>(base.size() - remove.size() + add.size());
    for (T entry : base) {
      if (!gone.remove(key.apply(entry))) {
        out.add(entry);
      }
    }
    if (!gone.isEmpty()) {
      throw new ProtocolException(
          where
              + ": removes "
              + gone.size()
              + " entries its base does not have, e.g. "
              + gone.iterator().next());
    }
    int last = -1;
    for (Insert<T> insert : add) {
      if (insert.at() <= last || insert.at() > out.size()) {
        throw new ProtocolException(where + ": added entry at invalid index " + insert.at());
      }
      out.add(insert.at(), insert.item());
      last = insert.at();
    }
    return out;
  }
}

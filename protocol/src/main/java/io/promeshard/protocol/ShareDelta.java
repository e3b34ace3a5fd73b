package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What changed in a node's targets and rules from one published share to the next, per job and rule
 * group: stored as a delta part ({@code delta/<generation>}) and applied on top of the base parts
 * in generation order. A job or group left empty by a delta is gone, as an empty job has no base
 * part. Rule intervals and scrape settings travel in the manifest, not here.
 *
 * <p>{@code prev} chains the deltas of a share: it names the delta this one applies on top of and
 * that delta's checksum ({@code {"delta/4": "<sha256>"}}), or is absent on the first delta after
 * the base parts. The manifest then lists only the base parts and the latest delta, and a reader
 * follows the chain back, checking each link, to the first delta (see {@link Parts#assemble}).
 */
public record ShareDelta(
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> prev,
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
        @JsonSerialize(contentUsing = TargetListDeltaJson.Serializer.class)
        @JsonDeserialize(contentUsing = TargetListDeltaJson.Deserializer.class)
        Map<String, ListDelta<TargetGroup>> targets,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, ListDelta<RecordRule>> rules) {

  public ShareDelta {
    prev = prev == null ? Map.of() : Map.copyOf(prev);
    if (prev.size() > 1) {
      throw new ProtocolException("delta: prev names " + prev.size() + " deltas, at most one");
    }
    prev.forEach(
        (key, sum) -> {
          if (PartKey.parse(key).base() || !Checksums.isSha256Base64(sum)) {
            throw new ProtocolException(
                "delta: prev must name a delta part and its base64url sha256, found "
                    + Names.quote(key)
                    + ": "
                    + Names.quote(sum));
          }
        });
    targets = copy("job", targets);
    rules = copy("rule group", rules);
  }

  /** A first delta: applies on top of the base parts. */
  public ShareDelta(
      Map<String, ListDelta<TargetGroup>> targets, Map<String, ListDelta<RecordRule>> rules) {
    this(Map.of(), targets, rules);
  }

  @JsonIgnore
  public boolean isEmpty() {
    return targets.isEmpty() && rules.isEmpty();
  }

  /** This delta applied on top of the delta part {@code key} whose stored value has {@code sum}. */
  public ShareDelta after(PartKey key, String sum) {
    if (key.base()) {
      throw new IllegalArgumentException("a delta chains to a delta, not to " + key);
    }
    return new ShareDelta(Map.of(key.toString(), sum), targets, rules);
  }

  /** The delta part this one applies on top of, with its checksum; empty on a first delta. */
  public Optional<Map.Entry<PartKey, String>> predecessor() {
    return prev.entrySet().stream()
        .findFirst()
        .map(e -> Map.entry(PartKey.parse(e.getKey()), e.getValue()));
  }

  /**
   * The delta from {@code from} to {@code to}, or empty when a list cannot be expressed as one (see
   * {@link ListDelta#between}): the caller then writes a new base.
   */
  public static Optional<ShareDelta> between(NodeShare from, NodeShare to) {
    Map<String, ListDelta<TargetGroup>> targets = new TreeMap<>();
    Map<String, ListDelta<RecordRule>> rules = new TreeMap<>();
    if (!diff(from.targets(), to.targets(), ShareDelta::groupKey, targets)
        || !diff(from.rules(), to.rules(), RecordRule::record, rules)) {
      return Optional.empty();
    }
    targets.replaceAll((job, d) -> referenceLabels(d, from.targets().getOrDefault(job, List.of())));
    return Optional.of(new ShareDelta(targets, rules));
  }

  /** The targets and rules of {@code base} with this delta applied; intervals and scrape kept. */
  public NodeShare applyTo(String where, NodeShare base) {
    Map<String, ListDelta<TargetGroup>> resolved = new TreeMap<>();
    targets.forEach(
        (job, d) ->
            resolved.put(
                job,
                resolveLabels(
                    where + " targets of " + job, d, base.targets().getOrDefault(job, List.of()))));
    return new NodeShare(
        apply(where + " targets", base.targets(), resolved, ShareDelta::groupKey),
        apply(where + " rules", base.rules(), rules, RecordRule::record),
        base.intervals(),
        base.scrape());
  }

  /**
   * {@code d} with each added group that has a label set of the old list written as a reference to
   * it ({@code like}), its own labels left out.
   */
  private static ListDelta<TargetGroup> referenceLabels(
      ListDelta<TargetGroup> d, List<TargetGroup> old) {
    if (d.add().isEmpty()) {
      return d;
    }
    Map<Map<String, String>, Integer> firstWith = new HashMap<>();
    for (int i = 0; i < old.size(); i++) {
      firstWith.putIfAbsent(old.get(i).labels(), i);
    }
    List<TargetGroup> added = new ArrayList<>(d.add().size());
    List<Integer> like = new ArrayList<>(d.add().size());
    boolean any = false;
    for (TargetGroup g : d.add()) {
      Integer same = g.labels().isEmpty() ? null : firstWith.get(g.labels());
      any |= same != null;
      like.add(same == null ? -1 : same);
      added.add(same == null ? g : new TargetGroup(g.targets(), Map.of()));
    }
    return any ? d.withAdded(added, like) : d;
  }

  private static ListDelta<TargetGroup> resolveLabels(
      String where, ListDelta<TargetGroup> d, List<TargetGroup> old) {
    if (d.like().isEmpty()) {
      return d;
    }
    List<TargetGroup> added = new ArrayList<>(d.add().size());
    for (int i = 0; i < d.add().size(); i++) {
      int ref = d.like().get(i);
      TargetGroup g = d.add().get(i);
      if (ref < -1 || ref >= old.size()) {
        throw new ProtocolException(where + ": label reference " + ref + " out of range");
      }
      added.add(ref == -1 ? g : new TargetGroup(g.targets(), old.get(ref).labels()));
    }
    return d.withAdded(added, List.of());
  }

  /** A target group's key in a delta: its first address (the coordinator writes one per group). */
  private static String groupKey(TargetGroup g) {
    return g.targets().get(0);
  }

  private static <T> boolean diff(
      Map<String, List<T>> from,
      Map<String, List<T>> to,
      Function<T, String> key,
      Map<String, ListDelta<T>> out) {
    TreeSet<String> names = new TreeSet<>(from.keySet());
    names.addAll(to.keySet());
    for (String name : names) {
      List<T> before = from.getOrDefault(name, List.of());
      List<T> after = to.getOrDefault(name, List.of());
      if (before.equals(after)) {
        continue;
      }
      Optional<ListDelta<T>> d = ListDelta.between(before, after, key);
      if (d.isEmpty()) {
        return false;
      }
      out.put(name, d.get());
    }
    return true;
  }

  private static <T> Map<String, List<T>> apply(
      String where,
      Map<String, List<T>> base,
      Map<String, ListDelta<T>> deltas,
      Function<T, String> key) {
    Map<String, List<T>> out = new TreeMap<>(base);
    deltas.forEach(
        (name, d) -> {
          List<T> next = d.applyTo(where + " of " + name, base.getOrDefault(name, List.of()), key);
          if (next.isEmpty()) {
            out.remove(name);
          } else {
            out.put(name, next);
          }
        });
    return out;
  }

  private static <T> Map<String, ListDelta<T>> copy(String what, Map<String, ListDelta<T>> in) {
    TreeMap<String, ListDelta<T>> out = new TreeMap<>();
    if (in != null) {
      in.forEach(
          (name, d) -> {
            if (d == null) {
              throw new ProtocolException("delta: " + what + " " + name + " is null");
            }
            out.put(Names.require(what, name), d);
          });
    }
    return Collections.unmodifiableMap(out);
  }
}

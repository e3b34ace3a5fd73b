package io.promeshard.coordinator.membership;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Hysteresis over raw health: a member that stops passing stays in the effective set until it has
 * failed continuously for {@code hold}; a member that starts passing joins only after passing
 * continuously for {@code hold}. The first observation is taken as it is (no hold at start), and a
 * member being drained leaves at once. Pure: the caller passes the time.
 */
public final class FlapFilter {
  private final Duration hold;
  private final Map<String, Member> effective = new TreeMap<>();

  /** Members whose raw state differs from the effective one, and since when. */
  private final Map<String, Instant> pendingSince = new HashMap<>();

  private final Map<String, Member> latestHealthy = new HashMap<>();
  private boolean initialised;

  public FlapFilter(Duration hold) {
    if (hold.isNegative()) {
      throw new IllegalArgumentException("flap_hold must be >= 0, found " + hold);
    }
    this.hold = hold;
  }

  /**
   * Feeds one observation: the members currently passing and the ones being drained (maintenance).
   * Returns true when the effective set changed.
   */
  public boolean observe(Instant now, Map<String, Member> healthy, Set<String> draining) {
    Map<String, Member> before = new TreeMap<>(effective);
    latestHealthy.clear();
    latestHealthy.putAll(healthy);
    if (!initialised) {
      initialised = true;
      healthy.forEach(
          (name, m) -> {
            if (!draining.contains(name)) {
              effective.put(name, m);
            }
          });
      return !effective.equals(before);
    }
    draining.forEach(
        name -> {
          effective.remove(name);
          pendingSince.remove(name);
        });
    for (String name : union(effective.keySet(), healthy.keySet(), pendingSince.keySet())) {
      if (draining.contains(name)) {
        continue;
      }
      boolean in = effective.containsKey(name);
      boolean up = healthy.containsKey(name);
      if (in == up) {
        pendingSince.remove(name);
        if (up) {
          effective.put(name, healthy.get(name)); // weight or zone may have changed
        }
      } else {
        pendingSince.putIfAbsent(name, now);
      }
    }
    advance(now);
    return !effective.equals(before);
  }

  /**
   * Applies holds that have expired by {@code now}; returns true when the effective set changed.
   */
  public boolean advance(Instant now) {
    boolean changed = false;
    var it = pendingSince.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (Duration.between(e.getValue(), now).compareTo(hold) < 0) {
        continue;
      }
      String name = e.getKey();
      Member up = latestHealthy.get(name);
      if (up != null) {
        effective.put(name, up);
      } else {
        effective.remove(name);
      }
      it.remove();
      changed = true;
    }
    return changed;
  }

  /** When the next pending hold expires, if any: the caller should call {@link #advance} then. */
  public Optional<Instant> nextDeadline() {
    return pendingSince.values().stream().min(Instant::compareTo).map(t -> t.plus(hold));
  }

  public Map<String, Member> effective() {
    return Collections.unmodifiableMap(new TreeMap<>(effective));
  }

  /** Members whose raw health differs from the effective set, waiting out the hold. */
  public Set<String> pending() {
    return Collections.unmodifiableSet(new java.util.TreeSet<>(pendingSince.keySet()));
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> u = new java.util.TreeSet<>();
    for (Set<String> s : sets) {
      u.addAll(s);
    }
    return u;
  }
}

package io.promeshard.coordinator.membership;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FlapFilter} plus what status needs: the last raw read, since when each node has been
 * pending, and a hold that can change at runtime without losing the effective set. Logs nodes that
 * start waiting and nodes that flip back in time. Pure (the caller passes the time); not
 * thread-safe.
 */
final class HoldTracker {
  private static final Logger log = LoggerFactory.getLogger(HoldTracker.class);

  private final String service;
  private Duration hold;
  private FlapFilter filter;
  private HealthSnapshot raw;
  private final Map<String, Instant> pendingSince = new TreeMap<>();

  HoldTracker(String service, Duration hold) {
    this.service = service;
    this.hold = hold;
    this.filter = new FlapFilter(hold);
  }

  /** Feeds one read from Consul. */
  void observe(Instant now, HealthSnapshot snapshot) {
    Map<String, Member> before = filter.effective();
    raw = snapshot;
    filter.observe(now, snapshot.healthy(), snapshot.draining());
    track(now, before);
  }

  /** Applies the holds that expired by {@code now}. */
  void advance(Instant now) {
    Map<String, Member> before = filter.effective();
    filter.advance(now);
    track(now, before);
  }

  /**
   * Switches to {@code newHold}, keeping the effective set; nodes still pending restart their hold
   * at {@code now}, so none moves sooner than the new hold allows. Returns false when the hold is
   * unchanged.
   */
  boolean setHold(Instant now, Duration newHold) {
    if (newHold.equals(hold)) {
      return false;
    }
    FlapFilter next = new FlapFilter(newHold);
    if (raw != null) {
      next.observe(now, filter.effective(), Set.of()); // the first observation is taken as it is
      next.observe(now, raw.healthy(), raw.draining());
    }
    log.info(
        "[membership] {}: flap_hold {} -> {}; {} pending node(s) restart their hold",
        service,
        hold,
        newHold,
        pendingSince.size());
    filter = next;
    hold = newHold;
    pendingSince.clear();
    track(now, filter.effective());
    return true;
  }

  /** True once a read from Consul has been observed. */
  boolean initialised() {
    return raw != null;
  }

  Duration hold() {
    return hold;
  }

  Map<String, Member> effective() {
    return filter.effective();
  }

  Optional<Instant> nextDeadline() {
    return filter.nextDeadline();
  }

  /** The nodes waiting out the hold, by name. */
  List<MembershipStatus.Pending> pending() {
    List<MembershipStatus.Pending> out = new ArrayList<>();
    pendingSince.forEach(
        (node, since) ->
            out.add(
                new MembershipStatus.Pending(node, raw.stateOf(node), since, since.plus(hold))));
    return out;
  }

  /**
   * Mirrors the filter's pending set; FlapFilter stamps a node with the same {@code now} when it
   * starts waiting.
   */
  private void track(Instant now, Map<String, Member> before) {
    Set<String> pending = filter.pending();
    Map<String, Member> after = filter.effective();
    for (String node : List.copyOf(pendingSince.keySet())) {
      if (!pending.contains(node)) {
        pendingSince.remove(node);
        if (before.containsKey(node) == after.containsKey(node)
            && raw.stateOf(node) != RawHealth.DRAINING) {
          log.info(
              "[membership] {}: node {} flipped back to {} within flap_hold; no change",
              service,
              node,
              lower(raw.stateOf(node)));
        }
      }
    }
    for (String node : pending) {
      if (pendingSince.putIfAbsent(node, now) == null) {
        RawHealth h = raw.stateOf(node);
        log.info(
            "[membership] {}: node {} is {}; {} after flap_hold {} unless it flips back",
            service,
            node,
            lower(h),
            h == RawHealth.HEALTHY ? "joins" : "leaves",
            hold);
      }
    }
  }

  private static String lower(RawHealth h) {
    return h.name().toLowerCase(Locale.ROOT);
  }
}

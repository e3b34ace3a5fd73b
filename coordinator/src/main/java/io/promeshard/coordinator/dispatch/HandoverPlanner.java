package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.publish.ShareGroups;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.coordinator.shard.Assignment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides, for one dispatch, which old owners keep a moving item (make-before-break). Pure: built
 * from the handovers in progress, the agents' reports, the nodes that are alive and the time; used
 * once, group by group, by {@link ShareBuilder}; {@link #finish()} gives the handovers that go on
 * and what ended.
 *
 * <p>For every item whose owners change, or that is in handover: the <em>published</em> owners are
 * its owners in the previous assignment plus the old owners keeping it. New owners (wanted, not
 * published) and owners still unconfirmed in its handover must take it over: their agent applied
 * the generation that brought it and their Prometheus scraped it (a record: evaluated its group).
 * Meanwhile every published owner that is no longer wanted, has taken the item over, and is alive
 * (a member, or draining with passing checks) keeps it. With R replicas this keeps at least R
 * scrapers at every moment. An old owner that is not alive (failed, left) keeps nothing: the move
 * is immediate. A handover ends when all its new owners have taken over, when no old owner is left
 * to keep the item, or after {@code handover_timeout} (counted and logged).
 *
 * <p>A new leader knows no handovers: for an item published on more owners than wanted, it treats
 * the wanted owners as unconfirmed since their current generation and asks the reports again, so a
 * handover in progress continues and nothing stays doubled.
 */
public final class HandoverPlanner implements ShareBuilder.Overlap {
  private final boolean enabled;
  private final Duration timeout;
  private final String recordGroup;
  private final Handovers pending;
  private final NodeReports reports;
  private final Set<String> alive;
  private final Map<String, StoredNode> stored;
  private final Map<String, Assignment> previous;
  private final boolean inferred;
  private final Instant now;

  private final Map<String, Handovers.Handover> next = new HashMap<>();
  private final Map<Boolean, List<Duration>> completed = new HashMap<>();
  private final List<String> timedOut = new ArrayList<>();
  private final Map<Boolean, Integer> timedOutByKind = new HashMap<>();
  private int started;
  private int cancelled;

  /**
   * {@code alive}: nodes whose Prometheus may keep items (members and draining nodes); {@code
   * stored}: what Consul holds per node; {@code previous}: the assignments of the last dispatch;
   * {@code inferred}: true when they were rebuilt from what is published (a new term).
   */
  public HandoverPlanner(
      boolean enabled,
      Duration timeout,
      String recordGroup,
      Handovers pending,
      NodeReports reports,
      Set<String> alive,
      Map<String, StoredNode> stored,
      Map<String, Assignment> previous,
      boolean inferred,
      Instant now) {
    this.enabled = enabled;
    this.timeout = timeout;
    this.recordGroup = recordGroup;
    this.pending = pending;
    this.reports = reports;
    this.alive = Set.copyOf(alive);
    this.stored = stored;
    this.previous = previous;
    this.inferred = inferred;
    this.now = now;
  }

  @Override
  public Map<String, List<String>> retain(String group, Assignment wanted, Assignment before) {
    List<String> candidates = candidates(group, wanted, before);
    Map<String, List<String>> kept = new HashMap<>();
    for (String key : candidates) {
      List<String> keep = decide(group, key, wanted.owners(key), before);
      if (!keep.isEmpty()) {
        kept.put(key, keep);
      }
    }
    return kept;
  }

  /** The keys of {@code wanted} whose owners change or that are in handover. */
  private List<String> candidates(String group, Assignment wanted, Assignment before) {
    Set<String> keys = new LinkedHashSet<>();
    if (before != null && !before.isEmpty()) {
      keys.addAll(wanted.keysOwnedOtherwiseThan(before));
    } else if (otherTargetGroupsKnown(group)) {
      keys.addAll(wanted.keys()); // a job's replica count changed: its targets come from another
    }
    pending.all().keySet().stream().filter(wanted::contains).forEach(keys::add);
    return List.copyOf(keys);
  }

  private boolean otherTargetGroupsKnown(String group) {
    if (group.equals(ShareGroups.RECORDS)) {
      return false;
    }
    return previous.entrySet().stream()
        .anyMatch(
            e ->
                !e.getKey().equals(group)
                    && !e.getKey().equals(ShareGroups.RECORDS)
                    && !e.getValue().isEmpty());
  }

  /** The old owners that keep {@code key} this time; records the handover's state. */
  private List<String> decide(
      String group, String key, List<String> wantedList, Assignment before) {
    Set<String> wanted = new LinkedHashSet<>(wantedList);
    Set<String> published = new LinkedHashSet<>(publishedOwners(group, key, before));
    Handovers.Handover h = pending.get(key);
    if (h != null) {
      published.addAll(h.from());
    }
    boolean isRecord = group.equals(ShareGroups.RECORDS);
    // owners that must take the item over: wanted and not published, or published but unconfirmed
    Map<String, Long> waiting = new TreeMap<>();
    if (h != null) {
      h.to()
          .forEach(
              (node, since) -> {
                if (wanted.contains(node) && published.contains(node)) {
                  waiting.put(node, since);
                }
              });
    } else if (inferred && !wanted.containsAll(published)) {
      for (String node : wanted) {
        if (published.contains(node)) {
          StoredNode n = stored.get(node);
          waiting.put(node, n == null ? 0 : n.generation());
        }
      }
    }
    waiting.entrySet().removeIf(e -> takenOver(isRecord, e.getKey(), e.getValue(), key));
    boolean newOwners = false;
    for (String node : wanted) {
      if (!published.contains(node)) {
        waiting.put(node, 0L);
        newOwners = true;
      }
    }
    List<String> keep = new ArrayList<>();
    for (String node : published) {
      Long since = h == null ? null : h.to().get(node);
      boolean unconfirmed = since != null && !takenOver(isRecord, node, since, key);
      if (!wanted.contains(node) && alive.contains(node) && !unconfirmed) {
        keep.add(node);
      }
    }
    if (waiting.isEmpty() || keep.isEmpty() || !enabled) {
      if (h != null) {
        if (waiting.isEmpty()) {
          completed
              .computeIfAbsent(isRecord, k -> new ArrayList<>())
              .add(Duration.between(h.started(), now));
        } else {
          cancelled++;
        }
      }
      return List.of();
    }
    Instant since = h == null || newOwners ? now : h.started();
    if (h != null && !newOwners && !now.isBefore(h.started().plus(timeout))) {
      timedOutByKind.merge(isRecord, 1, Integer::sum);
      timedOut.add(key + " " + keep + " -> " + waiting.keySet());
      return List.of();
    }
    if (h == null || newOwners) {
      started++;
    }
    next.put(key, new Handovers.Handover(group, keep, waiting, since));
    return keep;
  }

  private boolean takenOver(boolean isRecord, String node, long since, String key) {
    return isRecord
        ? reports.evaluated(node, since, recordGroup)
        : reports.scraped(node, since, key);
  }

  /**
   * The owners of {@code key} as last published: in {@code before}, or, for a target that changed
   * sharding group (its job's replica count changed), in the group it comes from.
   */
  private List<String> publishedOwners(String group, String key, Assignment before) {
    List<String> owners = before == null ? List.of() : before.owners(key);
    if (!owners.isEmpty() || group.equals(ShareGroups.RECORDS)) {
      return owners;
    }
    for (Map.Entry<String, Assignment> e : previous.entrySet()) {
      if (!e.getKey().equals(group) && !e.getKey().equals(ShareGroups.RECORDS)) {
        List<String> other = e.getValue().owners(key);
        if (!other.isEmpty()) {
          return other;
        }
      }
    }
    return List.of();
  }

  /** The handovers that go on, and what ended in this dispatch. */
  public Result finish() {
    return new Result(
        new Handovers(next),
        started,
        completed.getOrDefault(false, List.of()),
        completed.getOrDefault(true, List.of()),
        timedOutByKind.getOrDefault(false, 0),
        timedOutByKind.getOrDefault(true, 0),
        List.copyOf(timedOut),
        cancelled);
  }

  /**
   * What one dispatch did to handovers: those in progress after it ({@code handovers}, to be
   * stamped with the generations its publish gives), how many it started, the durations of those it
   * completed (targets, records), those it cut short at {@code handover_timeout} (counts and the
   * items named), and those that ended without a takeover because no old owner was left to keep the
   * item or handovers were turned off.
   */
  public record Result(
      Handovers handovers,
      int started,
      List<Duration> completedTargets,
      List<Duration> completedRecords,
      int timedOutTargets,
      int timedOutRecords,
      List<String> timedOut,
      int cancelled) {
    public Result {
      completedTargets = List.copyOf(completedTargets);
      completedRecords = List.copyOf(completedRecords);
      timedOut = List.copyOf(timedOut);
    }

    public int completed() {
      return completedTargets.size() + completedRecords.size();
    }
  }
}

package io.promeshard.agent.observe;

import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the agent wrote and Prometheus has not acted on yet: the targets of its file_sd files not
 * scraped twice since they were added, and the rule groups not evaluated twice since a reload gave
 * them new records (twice, so that the old owner, which keeps an item until this server is done
 * with it and runs at the same interval, has scraped or evaluated it once more meanwhile: the two
 * servers' samples overlap). Pure: the caller says when things were written and what Prometheus
 * reported; no I/O, no clock, not thread-safe.
 *
 * <p>Conservative by construction: a target leaves the awaiting set only when Prometheus reports a
 * second scrape that started after the time it was added (or that it dropped the target by
 * relabeling), or when it leaves the files. The first write after start counts every target as new,
 * since the agent may have been down while things moved.
 */
public final class FirstScrapes {
  /** What Prometheus reports for a target it dropped by relabeling: nobody will ever scrape it. */
  public static final Instant DROPPED = Instant.MAX;

  /** What Prometheus reports for a target it knows and has not scraped yet. */
  public static final Instant NEVER = Instant.MIN;

  /**
   * The addresses of each group as last written, per job: the share's own immutable lists, not
   * copies, and not the groups, so the labels of a share already replaced are not held.
   */
  private final Map<String, List<List<String>>> written = new HashMap<>();

  /** Per job: address → when it was added to the job's file. */
  private final Map<String, Map<String, Wait>> unscraped = new HashMap<>();

  private int unscrapedCount;

  /** The rules as last loaded by Prometheus, per group. */
  private final Map<String, List<RecordRule>> loaded = new HashMap<>();

  /** Group → when the reload that gave it new records was accepted. */
  private final Map<String, Wait> unevaluated = new TreeMap<>();

  private NodeStatus.Observed observed = NodeStatus.Observed.NOTHING_PENDING;
  private boolean changed;

  /**
   * The target files now hold {@code targets} (job → groups), written before {@code at}: addresses
   * new to a job await a scrape since {@code at}, addresses gone from it are forgotten. A job whose
   * addresses are those last written, in the same order, is skipped. True when a target started
   * awaiting.
   */
  public boolean targetsWritten(Map<String, List<TargetGroup>> targets, Instant at) {
    boolean added = false;
    for (Map.Entry<String, List<TargetGroup>> e : targets.entrySet()) {
      List<List<String>> before = written.get(e.getKey());
      if (before == null || !sameAddresses(before, e.getValue())) {
        // a change of labels only starts or stops nothing and builds no address set
        added |= jobWritten(e.getKey(), before, e.getValue(), at);
      }
      written.put(e.getKey(), addressLists(e.getValue()));
    }
    List<String> gone = new ArrayList<>();
    for (String job : written.keySet()) {
      if (!targets.containsKey(job)) {
        gone.add(job);
      }
    }
    for (String job : gone) {
      written.remove(job);
      Map<String, Wait> waiting = unscraped.remove(job);
      if (waiting != null) {
        unscrapedCount -= waiting.size();
        changed = true;
      }
    }
    return added;
  }

  private boolean jobWritten(
      String job, List<List<String>> before, List<TargetGroup> now, Instant at) {
    Set<String> old = new HashSet<>();
    if (before != null) {
      before.forEach(old::addAll);
    }
    Set<String> current = new HashSet<>();
    now.forEach(g -> current.addAll(g.targets()));
    Map<String, Wait> waiting = unscraped.get(job);
    if (waiting != null) {
      int size = waiting.size();
      waiting.keySet().retainAll(current);
      unscrapedCount -= size - waiting.size();
      changed |= size != waiting.size();
    }
    boolean added = false;
    for (String address : current) {
      if (!old.contains(address)) {
        if (waiting == null) {
          waiting = new HashMap<>();
          unscraped.put(job, waiting);
        }
        if (waiting.put(address, new Wait(at, null)) == null) {
          unscrapedCount++;
        }
        added = true;
      }
    }
    if (waiting != null && waiting.isEmpty()) {
      unscraped.remove(job);
    }
    changed |= added;
    return added;
  }

  /**
   * Prometheus accepted a reload, before {@code at}, that loaded {@code rules} (group → records): a
   * group that gained a record name since the last loaded rules awaits an evaluation since {@code
   * at}; groups no longer loaded are forgotten. The first call after start counts every group with
   * records as gaining. True when a group started awaiting.
   */
  public boolean rulesLoaded(Map<String, List<RecordRule>> rules, Instant at) {
    boolean added = false;
    for (Map.Entry<String, List<RecordRule>> e : rules.entrySet()) {
      List<RecordRule> before = loaded.get(e.getKey());
      if (before != null && before.equals(e.getValue())) {
        continue;
      }
      if (gained(before, e.getValue())) {
        unevaluated.put(e.getKey(), new Wait(at, null));
        added = true;
      }
      loaded.put(e.getKey(), e.getValue());
    }
    boolean gone = loaded.keySet().retainAll(rules.keySet());
    gone |= unevaluated.keySet().retainAll(rules.keySet());
    changed |= added || gone;
    return added;
  }

  private static boolean gained(List<RecordRule> before, List<RecordRule> now) {
    Set<String> old = new HashSet<>();
    if (before != null) {
      before.forEach(r -> old.add(r.record()));
    }
    for (RecordRule r : now) {
      if (!old.contains(r.record())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code address} of {@code job} awaits its first scrape. */
  public boolean awaits(String job, String address) {
    Map<String, Wait> waiting = unscraped.get(job);
    return waiting != null && waiting.containsKey(address);
  }

  /**
   * What Prometheus reported, job → address → the start of its last scrape ({@link #NEVER}, or
   * {@link #DROPPED}); when a target shows up more than once, the least scraped entry. Targets
   * scraped twice since they were added (a first scrape at or after, then a later one), and dropped
   * ones, stop awaiting; absent ones stay.
   */
  public void observedTargets(Map<String, Map<String, Instant>> seen) {
    seen.forEach(
        (job, byAddress) -> {
          Map<String, Wait> waiting = unscraped.get(job);
          if (waiting == null) {
            return;
          }
          int size = waiting.size();
          byAddress.forEach(
              (address, lastScrape) -> {
                Wait w = waiting.get(address);
                if (w == null) {
                  return;
                }
                Wait next = lastScrape.equals(DROPPED) ? null : w.after(lastScrape);
                if (next == null) {
                  waiting.remove(address);
                } else if (!next.equals(w)) {
                  waiting.put(address, next);
                }
              });
          unscrapedCount -= size - waiting.size();
          changed |= size != waiting.size();
          if (waiting.isEmpty()) {
            unscraped.remove(job);
          }
        });
  }

  /**
   * Per job, how many of its targets added before {@code before} do not appear in {@code seen} at
   * all (Prometheus does not know them: a file it does not read?); jobs with none are left out.
   */
  public Map<String, Integer> absentSince(Map<String, Map<String, Instant>> seen, Instant before) {
    Map<String, Integer> out = new TreeMap<>();
    unscraped.forEach(
        (job, waiting) -> {
          Map<String, Instant> reported = seen.getOrDefault(job, Map.of());
          int n = 0;
          for (Map.Entry<String, Wait> e : waiting.entrySet()) {
            if (e.getValue().added().isBefore(before) && !reported.containsKey(e.getKey())) {
              n++;
            }
          }
          if (n > 0) {
            out.put(job, n);
          }
        });
    return out;
  }

  /**
   * What Prometheus reported, group → the start of its last evaluation ({@link #NEVER}): groups
   * evaluated at or after their reload stop awaiting.
   */
  public void observedRules(Map<String, Instant> lastEvaluations) {
    lastEvaluations.forEach(
        (group, last) -> {
          Wait w = unevaluated.get(group);
          if (w == null) {
            return;
          }
          Wait next = w.after(last);
          if (next == null) {
            unevaluated.remove(group);
            changed = true;
          } else if (!next.equals(w)) {
            unevaluated.put(group, next);
          }
        });
  }

  public int unscrapedCount() {
    return unscrapedCount;
  }

  public int unevaluatedCount() {
    return unevaluated.size();
  }

  public boolean awaitsAnything() {
    return unscrapedCount > 0 || !unevaluated.isEmpty();
  }

  /**
   * The awaiting targets ({@code job/address}, sorted, the first {@link NodeStatus.Observed#LISTED}
   * named) and groups (sorted), for {@code status/<node>}.
   */
  public NodeStatus.Observed observed() {
    if (changed) {
      changed = false;
      observed = compose();
    }
    return observed;
  }

  private NodeStatus.Observed compose() {
    if (!awaitsAnything()) {
      return NodeStatus.Observed.NOTHING_PENDING;
    }
    List<String> names = new ArrayList<>(unscrapedCount);
    unscraped.forEach((job, waiting) -> waiting.keySet().forEach(a -> names.add(job + "/" + a)));
    Collections.sort(names);
    List<String> listed =
        names.size() > NodeStatus.Observed.LISTED
            ? names.subList(0, NodeStatus.Observed.LISTED)
            : names;
    return new NodeStatus.Observed(listed, unscrapedCount, List.copyOf(unevaluated.keySet()));
  }

  /** Whether {@code groups} have the addresses {@code before}, in the same order. */
  private static boolean sameAddresses(List<List<String>> before, List<TargetGroup> groups) {
    if (before.size() != groups.size()) {
      return false;
    }
    for (int i = 0; i < before.size(); i++) {
      if (!before.get(i).equals(groups.get(i).targets())) {
        return false;
      }
    }
    return true;
  }

  private static List<List<String>> addressLists(List<TargetGroup> groups) {
    List<List<String>> out = new ArrayList<>(groups.size());
    groups.forEach(g -> out.add(g.targets()));
    return out;
  }

  /**
   * Since when an item awaits Prometheus, and when Prometheus first scraped (evaluated) it since,
   * or null. An item is done only at the second time: the first scrape on this server proves it
   * works, and until the second one the old owner, which keeps the item until this server reports
   * it done, has scraped it at least once more (its interval is the same), so the two servers'
   * samples overlap.
   */
  private record Wait(Instant added, Instant first) {
    /**
     * This wait after Prometheus reports {@code last}: null when done, else the wait (maybe this).
     */
    Wait after(Instant last) {
      if (first == null) {
        return last.isBefore(added) ? this : new Wait(added, last);
      }
      return last.isAfter(first) ? null : this;
    }
  }
}

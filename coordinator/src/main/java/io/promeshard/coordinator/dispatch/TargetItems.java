package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.shard.ShardItem;
import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sharding items of a group of jobs: one per distinct {@code job/address}, with its target
 * group (job labels merged under the target's own) and job, index by index. Remembers the last
 * result per group of jobs, so a dispatch whose targets did not change (a membership change, a
 * settings edit) reuses the items instead of building 100k keys, items and labelled groups again:
 * the same job specs and the very same target lists give the same items. Used by one thread.
 */
final class TargetItems {
  /** At most this many groups of jobs are remembered (one per distinct replica count, usually). */
  private static final int REMEMBERED = 8;

  /** A group's items: item, labelled target group and job, index by index; unmodifiable. */
  record Collected(List<ShardItem> items, List<TargetGroup> groups, List<String> jobs) {}

  private record Entry(Map<String, JobSpec> specs, List<List<TargetGroup>> lists, Collected c) {}

  private final Map<List<String>, Entry> last = new HashMap<>();

  /** The items of {@code jobs} in {@code in}, jobs in name order, each job's targets in order. */
  Collected collect(DispatchInput in, List<String> jobs) {
    List<String> sorted = jobs.stream().sorted().toList();
    Map<String, JobSpec> specs = new TreeMap<>();
    List<List<TargetGroup>> lists = new ArrayList<>(sorted.size());
    for (String job : sorted) {
      specs.put(job, in.jobs().get(job));
      lists.add(in.targets().getOrDefault(job, List.of()));
    }
    Entry e = last.get(sorted);
    if (e != null && e.specs.equals(specs) && sameLists(e.lists, lists)) {
      return e.c;
    }
    Collected c = collect(sorted, specs, lists);
    if (last.size() >= REMEMBERED) {
      last.clear();
    }
    last.put(sorted, new Entry(specs, lists, c));
    return c;
  }

  private static boolean sameLists(List<List<TargetGroup>> a, List<List<TargetGroup>> b) {
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static Collected collect(
      List<String> jobs, Map<String, JobSpec> specs, List<List<TargetGroup>> lists) {
    int size = lists.stream().mapToInt(List::size).sum();
    List<ShardItem> items = new ArrayList<>(size);
    List<TargetGroup> groups = new ArrayList<>(size);
    List<String> jobOf = new ArrayList<>(size);
    Set<String> seen = new HashSet<>(Math.max(16, size * 4 / 3 + 1));
    for (int j = 0; j < jobs.size(); j++) {
      String job = jobs.get(j);
      JobSpec spec = specs.get(job);
      for (TargetGroup g : lists.get(j)) {
        String key = job + "/" + g.targets().get(0);
        if (!seen.add(key)) {
          continue; // a source delivered the same address twice; the first wins
        }
        items.add(new ShardItem(key, spec.weight()));
        groups.add(withJobLabels(g, spec));
        jobOf.add(job);
      }
    }
    return new Collected(List.copyOf(items), List.copyOf(groups), List.copyOf(jobOf));
  }

  private static TargetGroup withJobLabels(TargetGroup g, JobSpec spec) {
    if (spec.labels().isEmpty()) {
      return g;
    }
    Map<String, String> labels = new TreeMap<>(spec.labels());
    labels.putAll(g.labels());
    return new TargetGroup(g.targets(), labels);
  }
}

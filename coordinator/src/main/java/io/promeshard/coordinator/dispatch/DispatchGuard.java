package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one guard against losing targets by mistake: a dispatch that would stop publishing more than
 * {@code max_removed_fraction} of the targets published now, or publish no job where jobs are
 * published (a {@code config/} read back empty after a lost ACL permission or a wrong prefix), or
 * that finds no healthy member, is held. Pure.
 */
public final class DispatchGuard {
  private DispatchGuard() {}

  /**
   * The hold for a dispatch that finds no healthy member of {@code service}: nothing to publish to.
   */
  public static Hold noMembers(String service, StoredShares before) {
    int published = before.targetOwners().size();
    return new Hold(
        "no-members",
        "no healthy members of service " + service + ": keeping the last published assignment",
        false,
        published,
        published,
        "clears when a member of " + service + " passes its health check");
  }

  /** The hold for a dispatch from {@code before} to {@code after}, if it needs one. */
  public static Optional<Hold> check(
      StoredShares before, Map<String, NodeShare> after, Settings settings) {
    // hash sets per job, one pass over each side: this runs on every dispatch of the leader
    Map<String, Set<String>> publishedByJob = addressesByJob(before.shares());
    int publishedCount = publishedByJob.values().stream().mapToInt(Set::size).sum();
    if (publishedCount == 0) {
      return Optional.empty();
    }
    Map<String, Set<String>> proposedByJob = addressesByJob(after);
    List<String> removedKeys = new ArrayList<>();
    publishedByJob.forEach(
        (job, addresses) -> {
          Set<String> now = proposedByJob.getOrDefault(job, Set.of());
          addresses.stream()
              .filter(a -> !now.contains(a))
              .forEach(a -> removedKeys.add(job + "/" + a));
        });
    return decide(
        nonEmpty(publishedByJob), nonEmpty(proposedByJob), removedKeys, publishedCount, settings);
  }

  /**
   * The same hold as {@link #check}, when what is published is exactly the shares of a dispatch
   * from {@code published} (each job's input targets, all placed; {@code publishedCount} distinct
   * targets) and the shares proposed place every target of {@code proposed}: a job whose target
   * list is the very list published removes nothing and is not looked at, so a membership change
   * costs no pass over the targets.
   */
  public static Optional<Hold> checkInputs(
      Map<String, List<TargetGroup>> published,
      int publishedCount,
      Map<String, List<TargetGroup>> proposed,
      Settings settings) {
    if (publishedCount == 0) {
      return Optional.empty();
    }
    List<String> removedKeys = new ArrayList<>();
    published.forEach(
        (job, groups) -> {
          List<TargetGroup> now = proposed.getOrDefault(job, List.of());
          if (now == groups) {
            return;
          }
          Set<String> kept = addresses(now);
          Set<String> removed = new HashSet<>();
          groups.forEach(
              g ->
                  g.targets().stream()
                      .filter(a -> !kept.contains(a) && removed.add(a))
                      .forEach(a -> removedKeys.add(job + "/" + a)));
        });
    return decide(nonEmpty(published), nonEmpty(proposed), removedKeys, publishedCount, settings);
  }

  private static Optional<Hold> decide(
      Set<String> jobsBefore,
      Set<String> jobsAfter,
      List<String> removedKeys,
      int publishedCount,
      Settings settings) {
    String release =
        "prome-shard-coordinator approve, or a change of input or of max_removed_fraction";
    if (jobsAfter.isEmpty()) {
      return Optional.of(
          new Hold(
              id("no-jobs", removedKeys),
              "would publish no job where "
                  + jobsBefore.size()
                  + " jobs ("
                  + publishedCount
                  + " targets) are published now: "
                  + jobsBefore,
              true,
              removedKeys.size(),
              publishedCount,
              release));
    }
    double fraction = removedKeys.size() / (double) publishedCount;
    if (fraction > settings.maxRemovedFraction()) {
      return Optional.of(
          new Hold(
              id("removal", removedKeys),
              String.format(
                  java.util.Locale.ROOT,
                  "would remove %d of %d published targets (%.0f%%), over max_removed_fraction %s",
                  removedKeys.size(),
                  publishedCount,
                  100 * fraction,
                  settings.maxRemovedFraction()),
              true,
              removedKeys.size(),
              publishedCount,
              release));
    }
    return Optional.empty();
  }

  /** The jobs that have addresses or target groups, sorted. */
  private static Set<String> nonEmpty(Map<String, ? extends Collection<?>> byJob) {
    Set<String> out = new TreeSet<>();
    byJob.forEach(
        (job, values) -> {
          if (!values.isEmpty()) {
            out.add(job);
          }
        });
    return out;
  }

  private static Set<String> addresses(List<TargetGroup> groups) {
    Set<String> out = new HashSet<>(Math.max(16, groups.size() * 4 / 3 + 1));
    groups.forEach(g -> out.addAll(g.targets()));
    return out;
  }

  /** Every job's addresses over all nodes (a target on several replicas counts once). */
  private static Map<String, Set<String>> addressesByJob(Map<String, NodeShare> shares) {
    Map<String, Set<String>> out = new HashMap<>();
    shares
        .values()
        .forEach(
            share ->
                share
                    .targets()
                    .forEach(
                        (job, groups) -> {
                          Set<String> addresses = out.computeIfAbsent(job, j -> new HashSet<>());
                          groups.forEach(g -> addresses.addAll(g.targets()));
                        }));
    return out;
  }

  /** Names exactly this change: the kind and the targets it would remove. */
  private static String id(String kind, List<String> removed) {
    List<String> sorted = new ArrayList<>(removed);
    sorted.sort(null);
    String digest =
        Checksums.sha256Hex(
            (kind + "\n" + String.join("\n", sorted)).getBytes(StandardCharsets.UTF_8));
    return kind + "-" + digest.substring(0, 12);
  }
}

package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.NodeShare;
import java.nio.charset.StandardCharsets;
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
    Set<String> published = before.targetOwners().keySet();
    if (published.isEmpty()) {
      return Optional.empty();
    }
    Set<String> proposed = new TreeSet<>();
    Set<String> jobsAfter = new TreeSet<>();
    after
        .values()
        .forEach(
            share ->
                share
                    .targets()
                    .forEach(
                        (job, groups) -> {
                          if (!groups.isEmpty()) {
                            jobsAfter.add(job);
                          }
                          groups.forEach(
                              g ->
                                  g.targets()
                                      .forEach(address -> proposed.add(job + "/" + address)));
                        }));
    TreeSet<String> removed = new TreeSet<>(published);
    removed.removeAll(proposed);
    String release =
        "prome-shard-coordinator approve, or a change of input or of max_removed_fraction";
    if (jobsAfter.isEmpty()) {
      Set<String> jobsBefore = new TreeSet<>();
      published.forEach(key -> jobsBefore.add(key.substring(0, key.indexOf('/'))));
      return Optional.of(
          new Hold(
              id("no-jobs", removed),
              "would publish no job where "
                  + jobsBefore.size()
                  + " jobs ("
                  + published.size()
                  + " targets) are published now: "
                  + jobsBefore,
              true,
              removed.size(),
              published.size(),
              release));
    }
    double fraction = removed.size() / (double) published.size();
    if (fraction > settings.maxRemovedFraction()) {
      return Optional.of(
          new Hold(
              id("removal", removed),
              String.format(
                  java.util.Locale.ROOT,
                  "would remove %d of %d published targets (%.0f%%), over max_removed_fraction %s",
                  removed.size(),
                  published.size(),
                  100 * fraction,
                  settings.maxRemovedFraction()),
              true,
              removed.size(),
              published.size(),
              release));
    }
    return Optional.empty();
  }

  /** Names exactly this change: the kind and the targets it would remove. */
  private static String id(String kind, Set<String> removed) {
    String digest =
        Checksums.sha256Hex(
            (kind + "\n" + String.join("\n", removed)).getBytes(StandardCharsets.UTF_8));
    return kind + "-" + digest.substring(0, 12);
  }
}

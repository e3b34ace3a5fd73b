package io.promeshard.coordinator.source;

import io.promeshard.protocol.Names;
import io.promeshard.protocol.TargetGroup;
import java.util.List;

/**
 * The merged targets of one job: one group per address, sorted by address (see {@link
 * TargetGroups}). {@code complete} is false while some source of the job has never delivered a
 * result; the groups are then the previous spec's targets if the job was just replaced, else
 * whatever the other sources gave, and a publisher may prefer to keep what it published before.
 * {@code duplicates} counts addresses reported more than once and dropped; {@code rejected} names
 * the targets left out because they cannot be published.
 */
public record JobTargets(
    String job,
    List<TargetGroup> groups,
    boolean complete,
    int duplicates,
    List<Admission.Rejected> rejected) {
  public JobTargets {
    Names.job(job);
    groups = List.copyOf(groups);
    rejected = List.copyOf(rejected);
    if (duplicates < 0) {
      throw new IllegalArgumentException("duplicates: negative " + duplicates);
    }
  }

  /** The number of targets (each group holds one address). */
  public int size() {
    return groups.size();
  }

  /** A job's targets with none rejected. */
  public JobTargets(String job, List<TargetGroup> groups, boolean complete, int duplicates) {
    this(job, groups, complete, duplicates, List.of());
  }
}

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
 * the targets left out because they cannot be published. {@code missing} names the sources of an
 * incomplete job that have not delivered a result yet, as {@code <index>:<type>} ({@code ["*"]} for
 * a job with one source, whose targets carry no source label): the publisher keeps, for each of
 * them, the targets published now with that {@link TargetGroup#SOURCE_LABEL}.
 */
public record JobTargets(
    String job,
    List<TargetGroup> groups,
    boolean complete,
    int duplicates,
    List<Admission.Rejected> rejected,
    List<String> missing) {
  public JobTargets {
    Names.job(job);
    groups = List.copyOf(groups);
    rejected = List.copyOf(rejected);
    missing = List.copyOf(missing);
    if (duplicates < 0) {
      throw new IllegalArgumentException("duplicates: negative " + duplicates);
    }
  }

  /** The number of targets (each group holds one address). */
  public int size() {
    return groups.size();
  }

  /** In {@link #missing}: the job's only source, whose published targets carry no source label. */
  public static final String ONLY_SOURCE = "*";

  /** A job's targets with none rejected. */
  public JobTargets(String job, List<TargetGroup> groups, boolean complete, int duplicates) {
    this(job, groups, complete, duplicates, List.of(), List.of());
  }
}

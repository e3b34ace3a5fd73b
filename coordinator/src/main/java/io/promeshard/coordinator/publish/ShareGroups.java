package io.promeshard.coordinator.publish;

/**
 * The names of the shardings a dispatch keeps: one per distinct replica count for targets (so
 * balance holds across jobs) and one for recording rules. Shared by the dispatch that builds the
 * assignments and by {@link PreviousAssignments}, which rebuilds them from what is published.
 */
public final class ShareGroups {
  /** The sharding of recording rules by record name. */
  public static final String RECORDS = "records";

  private ShareGroups() {}

  /** The sharding of the targets of every job with {@code replicas} replicas. */
  public static String targets(int replicas) {
    return "targets/r" + replicas;
  }
}

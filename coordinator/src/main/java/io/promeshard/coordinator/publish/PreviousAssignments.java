package io.promeshard.coordinator.publish;

import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.PublishedAssignment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the assignments a dispatch passes as {@code previous} from the shares published in
 * Consul, grouped as {@link ShareGroups} names them (targets by the job's replica count, records
 * apart). Owners of targets of jobs no longer configured are dropped.
 */
public final class PreviousAssignments {
  private PreviousAssignments() {}

  /** {@code replicasByJob}: the replica count of every configured job. */
  public static Map<String, Assignment> from(
      StoredShares stored, Map<String, Integer> replicasByJob) {
    Map<String, Map<String, List<String>>> byGroup = new TreeMap<>();
    stored
        .targetOwners()
        .forEach(
            (key, owners) -> {
              Integer replicas = replicasByJob.get(key.substring(0, key.indexOf('/')));
              if (replicas != null) {
                byGroup
                    .computeIfAbsent(ShareGroups.targets(replicas), g -> new HashMap<>())
                    .put(key, owners);
              }
            });
    Map<String, List<String>> records = stored.recordOwners();
    if (!records.isEmpty()) {
      byGroup.put(ShareGroups.RECORDS, records);
    }
    Map<String, Assignment> out = new TreeMap<>();
    byGroup.forEach((group, owners) -> out.put(group, PublishedAssignment.fromOwners(owners)));
    return out;
  }
}

package io.promeshard.coordinator.run;

import io.promeshard.coordinator.dispatch.DispatchInput;
import io.promeshard.coordinator.dispatch.ShareBuilder;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.shard.PublishedAssignment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the assignments a dispatch passes as {@code previous} from the shares published in
 * Consul, grouped the way {@link ShareBuilder} groups them (targets by the job's replica count,
 * records apart). Owners of targets no longer configured are dropped.
 */
final class PreviousAssignments {
  private PreviousAssignments() {}

  static Map<String, Assignment> from(StoredShares stored, DispatchInput in) {
    Map<String, Map<String, List<String>>> byGroup = new TreeMap<>();
    stored.targetOwners().forEach((key, owners) -> {
      String job = key.substring(0, key.indexOf('/'));
      var spec = in.jobs().get(job);
      if (spec != null) {
        byGroup.computeIfAbsent(ShareBuilder.targetGroup(spec.replicasOr(in.settings())), g -> new HashMap<>()).put(key, owners);
      }
    });
    Map<String, List<String>> records = stored.recordOwners();
    if (!records.isEmpty()) {
      byGroup.put(ShareBuilder.RECORDS, records);
    }
    Map<String, Assignment> out = new TreeMap<>();
    byGroup.forEach((group, owners) -> out.put(group, PublishedAssignment.fromOwners(owners)));
    return out;
  }
}

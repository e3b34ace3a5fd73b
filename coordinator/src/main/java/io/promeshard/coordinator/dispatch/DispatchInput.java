package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one dispatch decides from: settings, job specs, each job's current targets (one
 * address per group), the recording rules to spread, and the effective healthy members.
 */
public record DispatchInput(
    Settings settings,
    Map<String, JobSpec> jobs,
    Map<String, List<TargetGroup>> targets,
    List<RecordRule> records,
    Map<String, Member> members) {

  public DispatchInput {
    jobs = Map.copyOf(jobs);
    targets = new TreeMap<>(targets);
    records = List.copyOf(records);
    members = new TreeMap<>(members);
  }
}

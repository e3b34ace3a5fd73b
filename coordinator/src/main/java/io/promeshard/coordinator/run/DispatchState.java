package io.promeshard.coordinator.run;

import io.promeshard.coordinator.config.ConfigState;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.source.JobTargets;
import io.promeshard.coordinator.source.SourceHealth;
import io.promeshard.protocol.RecordRule;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the dispatcher knows, owned by the dispatcher thread: the latest of each input, the
 * leadership term, what is stored in Consul and the assignments of the last dispatch.
 */
final class DispatchState {
  final ConfigState config;
  boolean configLoaded;
  boolean recordsLoaded;
  boolean membersKnown;
  Map<String, Member> members = Map.of();
  List<String> pending = List.of();
  /** Live membership view (pending joins, raw health), for the first dispatch's wait. */
  java.util.function.Supplier<io.promeshard.coordinator.membership.MembershipStatus> membership = () -> null;
  boolean dispatched;
  Map<String, JobTargets> targets = Map.of();
  Map<String, List<SourceHealth>> sourceHealth = Map.of();
  List<RecordRule> records = List.of();
  Map<String, String> recordErrors = Map.of();
  Dispatcher.Term term;
  Map<String, StoredNode> stored;
  StoredShares storedShares = StoredShares.empty();
  Map<String, Assignment> previous = Map.of();
  String problem = "";
  CoordinatorStatus.DispatchSummary lastDispatch;

  DispatchState(ConfigState config) {
    this.config = config;
  }

  /**
   * Servers the first dispatch of this process should wait for: those still waiting out flap_hold to
   * join and, when nothing is published yet (a cold fleet start), those registered whose checks have
   * not passed yet.
   */
  List<String> settling() {
    var status = membership.get();
    if (status == null) {
      return List.of();
    }
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    status.pending().stream().filter(p -> p.joining()).forEach(p -> out.add(p.node()));
    if (storedShares.shares().isEmpty() && status.raw() != null) {
      status.raw().unhealthy().stream().filter(n -> !members.containsKey(n)).forEach(out::add);
    }
    return List.copyOf(out);
  }

  /** Why a dispatch cannot run yet, or null when it can. */
  String notReady(Dispatcher.Mode mode) {
    if (!configLoaded) {
      return "configuration not read yet";
    }
    if (!recordsLoaded) {
      return "records not read yet";
    }
    if (!membersKnown) {
      return "membership not known yet";
    }
    if (mode == Dispatcher.Mode.PUBLISH && term == null) {
      return "not the leader";
    }
    if (mode == Dispatcher.Mode.PUBLISH && stored == null) {
      return "published state not read yet";
    }
    return null;
  }

  CoordinatorStatus status() {
    Map<String, String> configErrors = new TreeMap<>(config.errors());
    configErrors.putAll(recordErrors);
    Map<String, String> sourceErrors = new TreeMap<>();
    sourceHealth.forEach((job, list) -> list.forEach(h -> {
      if (h.failing()) {
        sourceErrors.put(job + "/" + h.source(), h.lastError());
      }
    }));
    return new CoordinatorStatus(term == null ? "" : term.holder(), term == null ? 0 : term.epoch(), configErrors,
        sourceErrors, List.copyOf(members.keySet()), pending, problem, lastDispatch);
  }
}

package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.publish.PreviousAssignments;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.source.JobTargets;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Whether a due dispatch runs now, and from what: a pure function of a {@link DispatchState} and
 * the time. It waits for every input and the published state, lets a cold fleet settle, falls back
 * to the last known targets of jobs whose sources have not answered, holds what would remove too
 * much or finds no healthy member (see {@link DispatchGuard}), and continues from what is published
 * when this process has not dispatched yet.
 */
public final class DispatchDecision {
  /** How often a cold start looks again for servers it waits for. */
  static final Duration SETTLE_POLL = Duration.ofMillis(500);

  private DispatchDecision() {}

  /** What to do with a due dispatch. */
  public sealed interface Decision permits NotReady, Wait, Held, Dispatch {}

  /** An input is missing; the input's arrival schedules the next dispatch. */
  public record NotReady(String reason) implements Decision {}

  /**
   * Not yet: look again at {@code until}. {@code waitingFor} names the servers or jobs waited for.
   */
  public record Wait(Instant until, String reason, List<String> waitingFor) implements Decision {}

  /** Publish nothing, keep the last assignment, and report {@code hold}. */
  public record Held(Hold hold) implements Decision {}

  /**
   * Dispatch {@code input} against {@code previous}; {@code incomplete} jobs have no complete
   * source result and use their last known targets; {@code inferred}: {@code previous} was rebuilt
   * from what is published (the first dispatch of a term), so handovers in progress are unknown.
   */
  public record Dispatch(
      DispatchInput input,
      Map<String, Assignment> previous,
      List<String> incomplete,
      boolean inferred)
      implements Decision {
    public Dispatch(
        DispatchInput input, Map<String, Assignment> previous, List<String> incomplete) {
      this(input, previous, incomplete, false);
    }
  }

  public static Decision decide(DispatchState s, Instant now) {
    String missing = s.notReady();
    if (missing != null) {
      return new NotReady(missing);
    }
    if (s.members.isEmpty()) {
      return new Held(DispatchGuard.noMembers(s.config.settings().nodeService(), s.storedShares()));
    }
    List<String> joining =
        s.dispatched || s.mode != DispatchMode.PUBLISH ? List.of() : s.settling();
    Instant settleBy = s.started.plus(s.startupGrace).plus(s.config.settings().flapHold());
    if (!joining.isEmpty() && now.isBefore(settleBy)) {
      // a cold fleet start: servers whose checks pass a moment later would join one flap_hold after
      // the first dispatch and reshuffle it; wait for them (bounded) and place every target once
      return new Wait(
          now.plus(SETTLE_POLL),
          "first dispatch waits for servers to pass their checks and join (at most until "
              + settleBy
              + ")",
          joining);
    }
    Map<String, List<TargetGroup>> targets = new TreeMap<>();
    List<String> incomplete = new ArrayList<>();
    for (Map.Entry<String, JobSpec> job : s.config.jobs().entrySet()) {
      JobTargets jt = s.targets.get(job.getKey());
      if (jt != null && jt.complete()) {
        targets.put(job.getKey(), jt.groups());
      } else {
        incomplete.add(job.getKey());
        targets.put(job.getKey(), lastKnown(job.getKey(), jt, s.storedShares()));
      }
    }
    Instant graceEnd = s.started.plus(s.startupGrace);
    if (!incomplete.isEmpty() && now.isBefore(graceEnd)) {
      return new Wait(
          graceEnd,
          "waiting up to " + s.startupGrace + " for the first results of jobs",
          incomplete);
    }
    DispatchInput input =
        new DispatchInput(s.config.settings(), s.config.jobs(), targets, s.records, s.members);
    Map<String, Assignment> previous = s.previous;
    boolean inferred = false;
    if (previous.isEmpty() && !s.storedShares().shares().isEmpty()) {
      inferred = true;
      // first dispatch of this term: continue from what is published, so a takeover moves nothing
      Map<String, Integer> replicas = new TreeMap<>();
      s.config
          .jobs()
          .forEach((job, spec) -> replicas.put(job, spec.replicasOr(s.config.settings())));
      previous = PreviousAssignments.from(s.storedShares(), replicas);
    }
    return new Dispatch(input, previous, incomplete, inferred);
  }

  /**
   * Who keeps what while items move, for dispatching {@code d} from {@code s} at {@code now}: the
   * handovers in progress, continued (or, on a new term, inferred from what is published) against
   * the agents' reports.
   */
  public static HandoverPlanner handovers(DispatchState s, Dispatch d, Instant now) {
    Settings settings = d.input().settings();
    return new HandoverPlanner(
        settings.handover(),
        settings.handoverTimeout(),
        settings.recordGroup(),
        s.handovers,
        s.reports,
        s.alive(),
        s.published == null ? Map.of() : s.published.nodes(),
        d.previous(),
        d.inferred(),
        now);
  }

  /**
   * Stale beats partial, per source: the targets of the sources that answered, and for each source
   * not heard from yet (since this process started or took over) the targets published now that it
   * reported. A job whose sources never answered keeps all it has published.
   */
  static List<TargetGroup> lastKnown(String job, JobTargets jt, StoredShares published) {
    if (jt == null) {
      return published.targetsOf(job);
    }
    if (jt.missing().isEmpty()) {
      // the previous spec's targets while a replaced spec's sources report
      return jt.groups().isEmpty() ? published.targetsOf(job) : jt.groups();
    }
    Map<String, TargetGroup> byAddress = new TreeMap<>();
    jt.groups().forEach(g -> byAddress.put(g.targets().get(0), g));
    for (String source : jt.missing()) {
      List<TargetGroup> kept =
          source.equals(JobTargets.ONLY_SOURCE)
              ? published.targetsOf(job)
              : published.targetsOf(job, source);
      kept.forEach(g -> byAddress.putIfAbsent(g.targets().get(0), g));
    }
    return List.copyOf(byAddress.values());
  }

  /**
   * The hold for publishing {@code shares}, unless the operator approved exactly this change. A dry
   * run shows its plan and is never held.
   */
  public static Optional<Hold> guard(DispatchState s, Map<String, NodeShare> shares) {
    return guard(s, () -> DispatchGuard.check(s.storedShares(), shares, s.config.settings()));
  }

  /** As {@link #guard(DispatchState, Map)}, the hold found by {@code check}. */
  static Optional<Hold> guard(DispatchState s, Supplier<Optional<Hold>> check) {
    if (s.mode != DispatchMode.PUBLISH) {
      return Optional.empty();
    }
    return check.get().filter(hold -> !(hold.approvable() && hold.id().equals(s.approval)));
  }
}

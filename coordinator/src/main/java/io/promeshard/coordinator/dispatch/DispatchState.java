package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.ConfigState;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.membership.MembershipStatus;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.RecordsImportStatus;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.source.Admission;
import io.promeshard.coordinator.source.JobTargets;
import io.promeshard.coordinator.source.SourceHealth;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.ops.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a dispatch decides from, as one immutable value: the latest of each input, the
 * leadership term, what is published in Consul, the outcome of the last dispatch and when the next
 * one is due. Every change returns a new value; the dispatcher thread alone replaces its current
 * one and publishes it for other threads to read.
 */
public final class DispatchState {
  /** How many handovers {@code status/coordinator} names. */
  static final int HANDOVERS_NAMED = 10;

  /** How many dispatches status/coordinator lists under recent_dispatches. */
  static final int RECENT_DISPATCHES = 10;

  /** A leadership term: its fence guards every write. */
  public record Term(long epoch, Fence fence, String holder) {}

  /**
   * What Consul holds, as last read or written: every node's stored parts and the decoded shares.
   */
  public record Published(Map<String, StoredNode> nodes, StoredShares shares) {
    public Published {
      nodes = Map.copyOf(nodes);
    }
  }

  final DispatchMode mode;
  final Instant started;
  final Duration startupGrace;
  final ConfigState config;
  final boolean configLoaded;
  final List<RecordRule> records;
  final Map<String, String> recordErrors;
  final boolean recordsLoaded;
  final Map<String, Member> members;
  final boolean membersKnown;
  final MembershipStatus membership;
  final Map<String, JobTargets> targets;
  final Map<String, List<SourceHealth>> sourceHealth;
  final Term term;
  final Published published;
  final Map<String, Assignment> previous;
  final boolean dispatched;
  final String problem;
  final Hold hold;
  final Instant holdSince;
  final String approval;
  final CoordinatorStatus.DispatchSummary lastDispatch;

  /** The last {@link #RECENT_DISPATCHES} dispatches that changed something, newest first. */
  final List<CoordinatorStatus.DispatchSummary> recentDispatches;

  final int failures;
  final DispatchSchedule schedule;
  final Handovers handovers;
  final NodeReports reports;
  final boolean reportsLoaded;

  /** The last automatic import of slow queries this term, for status; null before one. */
  final RecordsImportStatus recordsImport;

  /** What placing by load did at the last published dispatch, or null when it is off. */
  final CoordinatorStatus.LoadSummary load;

  private DispatchState(Builder b) {
    mode = b.mode;
    started = b.started;
    startupGrace = b.startupGrace;
    config = b.config;
    configLoaded = b.configLoaded;
    records = List.copyOf(b.records);
    recordErrors = Map.copyOf(b.recordErrors);
    recordsLoaded = b.recordsLoaded;
    members = Map.copyOf(b.members);
    membersKnown = b.membersKnown;
    membership = b.membership;
    targets = Map.copyOf(b.targets);
    sourceHealth = Map.copyOf(b.sourceHealth);
    term = b.term;
    published = b.published;
    previous = Map.copyOf(b.previous);
    dispatched = b.dispatched;
    problem = b.problem;
    hold = b.hold;
    holdSince = b.holdSince;
    approval = b.approval;
    lastDispatch = b.lastDispatch;
    recentDispatches = List.copyOf(b.recentDispatches);
    failures = b.failures;
    schedule = b.schedule;
    handovers = b.handovers;
    reports = b.reports;
    reportsLoaded = b.reportsLoaded;
    recordsImport = b.recordsImport;
    load = b.load;
  }

  /**
   * Nothing known yet. A dry run reads what is published at once (it has no lock to wait for); the
   * first dispatch of a cold fleet may wait up to {@code startupGrace} after {@code started}.
   */
  public static DispatchState initial(
      DispatchMode mode, KvLayout layout, Instant started, Duration startupGrace) {
    Builder b = new Builder();
    b.mode = mode;
    b.started = started;
    b.startupGrace = startupGrace;
    b.config = ConfigState.empty(layout);
    b.schedule =
        mode == DispatchMode.DRY_RUN
            ? DispatchSchedule.NONE.resyncAt(started)
            : DispatchSchedule.NONE;
    return new DispatchState(b);
  }

  // ---- inputs -------------------------------------------------------------------------------

  /** A full read of {@code config/} (absolute key → value). */
  public DispatchState withConfig(Map<String, byte[]> values) {
    Builder b = edit();
    b.config = config.update(values);
    b.configLoaded = true;
    return b.build();
  }

  /**
   * A new membership watch started (another {@code node_service}): members unknown until it
   * answers.
   */
  public DispatchState withMembershipRestarted() {
    Builder b = edit();
    b.membersKnown = false;
    return b.build();
  }

  /** A new effective member set, with the watcher's view at that moment. */
  public DispatchState withMembers(Map<String, Member> newMembers, MembershipStatus view) {
    Builder b = edit();
    b.members = newMembers;
    b.membersKnown = true;
    b.membership = view;
    return b.build();
  }

  /** The membership watcher's latest view (pending joins, raw health), for the cold-start wait. */
  public DispatchState withMembershipView(MembershipStatus view) {
    if (Objects.equals(view, membership)) {
      return this;
    }
    Builder b = edit();
    b.membership = view;
    return b.build();
  }

  /** A full read of {@code records/}: the valid records in index order and the rejected keys. */
  public DispatchState withRecords(List<RecordRule> newRecords, Map<String, String> errors) {
    Builder b = edit();
    b.records = newRecords;
    b.recordErrors = errors;
    b.recordsLoaded = true;
    return b.build();
  }

  /** The merged targets of every job, and each source's health. */
  public DispatchState withTargets(
      Map<String, JobTargets> newTargets, Map<String, List<SourceHealth>> health) {
    Builder b = edit();
    b.targets = newTargets;
    b.sourceHealth = health;
    return b.build();
  }

  /**
   * The agents' reports as read from {@code status/}. A dispatch is scheduled only when they
   * complete a handover (its old owners can then let the item go); other report changes cost
   * nothing.
   */
  public DispatchState withReports(NodeReports newReports, Instant now) {
    if (reportsLoaded && newReports.equals(reports)) {
      return this;
    }
    Builder b = edit();
    b.reports = newReports;
    b.reportsLoaded = true;
    DispatchState next = b.build();
    boolean completes =
        !reportsLoaded || handovers.anyTakenOver(newReports, config.settings().recordGroup());
    return completes ? next.dirty(now) : next;
  }

  /**
   * This process became leader ({@code newTerm}) or stopped being leader ({@code null}). A new term
   * reads what is published at once. Losing the lock forgets what is published and the assignments
   * of the last dispatch: another leader may change both, so a later term continues from what it
   * reads then, not from this term's view. It also forgets this term's failures and hold: they are
   * the new leader's to report, and a standby that kept them would stay unhealthy for good.
   */
  public DispatchState withTerm(Term newTerm, Instant now) {
    Builder b = edit();
    b.term = newTerm;
    if (newTerm != null) {
      b.schedule = schedule.resyncAt(now);
    } else {
      b.published = null;
      b.previous = Map.of();
      b.handovers = Handovers.NONE;
      b.failures = 0;
      b.problem = "";
      b.hold = null;
      b.holdSince = null;
      b.recordsImport = null;
    }
    return b.build();
  }

  /** The last automatic import of slow queries, for {@code status/coordinator}. */
  public DispatchState withRecordsImport(RecordsImportStatus last) {
    Builder b = edit();
    b.recordsImport = last;
    return b.build();
  }

  // ---- schedule -----------------------------------------------------------------------------

  /**
   * New input: dispatch one {@code debounce} from now, or earlier if already due (a burst
   * coalesces).
   */
  public DispatchState dirty(Instant now) {
    // also pulls in a dispatch parked for a grace period or a retry: new input may unblock it
    return dueNoLaterThan(now.plus(config.settings().debounce()));
  }

  /** Due at {@code at} unless an earlier dispatch is already due. */
  public DispatchState dueNoLaterThan(Instant at) {
    return rescheduled(schedule.dueNoLaterThan(at));
  }

  public boolean dispatchDue(Instant now) {
    return schedule.dispatchDue(now);
  }

  public boolean resyncDue(Instant now) {
    return schedule.resyncDue(now);
  }

  /** A due dispatch taken: nothing due until an input, a retry or a resync asks again. */
  public DispatchState dispatchTaken() {
    return rescheduled(schedule.dueAt(null));
  }

  /** A due resync taken; the next is scheduled by its outcome or by a new term. */
  public DispatchState resyncTaken() {
    return rescheduled(schedule.resyncAt(null));
  }

  /** The earliest of the next dispatch and the next resync, or null when nothing is scheduled. */
  public Instant nextWake() {
    return schedule.nextWake();
  }

  private DispatchState rescheduled(DispatchSchedule next) {
    if (next.equals(schedule)) {
      return this;
    }
    Builder b = edit();
    b.schedule = next;
    return b.build();
  }

  /** True when this process may read what is published: as leader, or always in a dry run. */
  public boolean mayRead() {
    return mode == DispatchMode.DRY_RUN || term != null;
  }

  // ---- outcomes -----------------------------------------------------------------------------

  /**
   * What is published was read: dispatch now against it, read again one {@code resync_interval}
   * later.
   */
  public DispatchState afterRead(Published read, Instant now) {
    Builder b = edit();
    b.published = read;
    b.schedule = new DispatchSchedule(now, now.plus(config.settings().resyncInterval()));
    return b.build();
  }

  /**
   * Reading what is published failed: read again and dispatch after {@code backoff}. Without a read
   * a leader cannot dispatch at all, so the retry must not wait for the next {@code
   * resync_interval}.
   */
  public DispatchState afterReadFailed(String why, Instant now, Duration backoff) {
    Builder b = failed(now, backoff);
    b.problem = "reading published shares failed: " + why;
    b.schedule = b.schedule.resyncAt(now.plus(backoff));
    return b.build();
  }

  /**
   * A dispatch computed {@code assignments} and {@code shares}, and its writes, leaving Consul as
   * {@code after}, went through (or were only planned, in a dry run). {@code change} describes it
   * when it wrote something. {@code inProgress} are the handovers it leaves going on: the next
   * dispatch is due no later than the first of them times out.
   */
  public DispatchState afterDispatch(
      Map<String, Assignment> assignments,
      Map<String, NodeShare> shares,
      Map<String, StoredNode> after,
      List<String> incomplete,
      CoordinatorStatus.DispatchSummary change,
      Handovers inProgress) {
    Builder b = edit();
    b.handovers = inProgress;
    Instant deadline = inProgress.nextDeadline(config.settings().handoverTimeout());
    if (deadline != null) {
      b.schedule = b.schedule.dueNoLaterThan(deadline);
    }
    b.failures = 0;
    b.dispatched = true;
    b.published = new Published(after, StoredShares.of(shares));
    b.previous = assignments;
    b.hold = null;
    b.holdSince = null;
    b.problem =
        incomplete.isEmpty()
            ? ""
            : "jobs without a complete source result (published their last known targets): "
                + incomplete;
    if (change != null) {
      b.lastDispatch = change;
      List<CoordinatorStatus.DispatchSummary> recent = new ArrayList<>();
      recent.add(change);
      recent.addAll(
          b.recentDispatches.subList(
              0, Math.min(b.recentDispatches.size(), RECENT_DISPATCHES - 1)));
      b.recentDispatches = recent;
    }
    return b.build();
  }

  /**
   * Publishing failed or was rejected: say so, and read what is published again before retrying
   * after {@code backoff} (new input may bring the retry sooner; it still waits for the read). The
   * batches before the failure may have committed, so the view this process had is no longer what
   * Consul holds: planning against it would number a committed manifest's generation again for
   * other content.
   */
  public DispatchState afterPublishFailed(String why, Instant now, Duration backoff) {
    Builder b = failedWrite(now, backoff);
    b.problem = why;
    return b.build();
  }

  /**
   * A dispatch failed unexpectedly: report it, and read what is published again before retrying
   * after {@code backoff} (the failure may have come half-way through a publish).
   */
  public DispatchState afterUnexpectedFailure(String why, Instant now, Duration backoff) {
    Builder b = failedWrite(now, backoff);
    b.problem = "dispatch failed: " + why;
    return b.build();
  }

  /** The dispatch is held: nothing is written, the last assignment stays, and status says why. */
  public DispatchState held(Hold newHold, Instant now) {
    Builder b = edit();
    b.holdSince = hold != null && hold.id().equals(newHold.id()) ? holdSince : now;
    b.hold = newHold;
    b.problem = newHold.reason();
    return b.build();
  }

  /** The operator's approval as read from Consul: the id of the hold it releases, or null. */
  public DispatchState withApproval(String id) {
    Builder b = edit();
    b.approval = id;
    return b.build();
  }

  private Builder failed(Instant now, Duration backoff) {
    Builder b = edit();
    b.failures = failures + 1;
    b.schedule = schedule.dueNoLaterThan(now.plus(backoff));
    return b;
  }

  /** A write may have gone half-way: forget what is published and read it before the retry. */
  private Builder failedWrite(Instant now, Duration backoff) {
    Builder b = failed(now, backoff);
    if (mode == DispatchMode.PUBLISH) {
      b.published = null;
      b.schedule = b.schedule.resyncNoLaterThan(now.plus(backoff));
    }
    return b;
  }

  // ---- views --------------------------------------------------------------------------------

  /** Why a dispatch cannot run yet, or null when it can. */
  public String notReady() {
    if (!configLoaded) {
      return "configuration not read yet";
    }
    if (!recordsLoaded) {
      return "records not read yet";
    }
    if (!membersKnown) {
      return "membership not known yet";
    }
    if (!reportsLoaded) {
      return "agent reports not read yet";
    }
    if (mode == DispatchMode.PUBLISH && term == null) {
      return "not the leader";
    }
    if (mode == DispatchMode.PUBLISH && published == null) {
      return "published state not read yet";
    }
    return null;
  }

  /**
   * Servers the first dispatch of this process should wait for: those still waiting out flap_hold
   * to join and, when nothing is published yet (a cold fleet start), those registered whose checks
   * have not passed yet.
   */
  public List<String> settling() {
    if (membership == null) {
      return List.of();
    }
    TreeSet<String> out = new TreeSet<>();
    membership.pending().stream()
        .filter(MembershipStatus.Pending::joining)
        .forEach(p -> out.add(p.node()));
    if (storedShares().shares().isEmpty()) {
      membership.raw().unhealthy().stream().filter(n -> !members.containsKey(n)).forEach(out::add);
    }
    return List.copyOf(out);
  }

  /** The shares as last read from Consul (empty before the first read). */
  public StoredShares storedShares() {
    return published == null ? StoredShares.empty() : published.shares();
  }

  /**
   * What {@code /healthz} says: the role, and unhealthy while the last read, publish or dispatch
   * failed (it is being retried) or while a dispatch is held (an operator should look).
   */
  public Health health() {
    String role =
        term != null
            ? "leader epoch " + term.epoch()
            : mode == DispatchMode.PUBLISH ? "standby" : "dry run";
    if (failures > 0) {
      return Health.failing(role + ": " + problem);
    }
    return hold != null
        ? Health.failing(role + ": dispatch held: " + hold.reason())
        : Health.ok(role);
  }

  /** What this state reports under {@code status/coordinator}. */
  public CoordinatorStatus status() {
    Map<String, String> configErrors = new TreeMap<>(config.errors());
    configErrors.putAll(recordErrors);
    Map<String, String> sourceErrors = new TreeMap<>();
    sourceHealth.forEach(
        (job, list) ->
            list.forEach(
                h -> {
                  if (h.failing()) {
                    sourceErrors.put(job + "/" + h.source(), h.lastError());
                  }
                }));
    List<String> pending =
        membership == null
            ? List.of()
            : membership.pending().stream()
                .map(p -> p.node() + (p.joining() ? " joining" : " leaving"))
                .toList();
    return new CoordinatorStatus(
        term == null ? "" : term.holder(),
        term == null ? 0 : term.epoch(),
        configErrors,
        sourceErrors,
        List.copyOf(new TreeSet<>(members.keySet())),
        pending,
        problem,
        lastDispatch,
        hold == null
            ? null
            : new CoordinatorStatus.HoldSummary(
                hold.id(),
                hold.reason(),
                hold.approvable(),
                hold.removed(),
                hold.published(),
                hold.release(),
                holdSince.toString()),
        rejectedTargets(),
        membership == null ? List.of() : List.copyOf(membership.raw().conflicts().values()),
        handovers.isEmpty()
            ? null
            : handovers.summary(config.settings().handoverTimeout(), HANDOVERS_NAMED),
        recentDispatches,
        recordsImport,
        load);
  }

  /** What placing by load did at the last published dispatch, or null when it is off. */
  public CoordinatorStatus.LoadSummary load() {
    return load;
  }

  /** What placing by load did at the last published dispatch ({@code null}: it is off). */
  public DispatchState withLoad(CoordinatorStatus.LoadSummary summary) {
    if (Objects.equals(summary, load)) {
      return this;
    }
    Builder b = edit();
    b.load = summary;
    return b.build();
  }

  /**
   * The nodes whose Prometheus may keep an item while it moves: the members, and the nodes drained
   * by maintenance mode (their checks otherwise pass) unless two hosts claim the name.
   */
  public Set<String> alive() {
    TreeSet<String> out = new TreeSet<>(members.keySet());
    if (membership != null) {
      membership.raw().draining().stream()
          .filter(n -> !membership.raw().conflicts().containsKey(n))
          .forEach(out::add);
    }
    return out;
  }

  /** The targets the sources reported that cannot be published, or null when there are none. */
  private CoordinatorStatus.Rejected rejectedTargets() {
    List<String> named = new ArrayList<>();
    int count = 0;
    for (JobTargets jt : new TreeMap<>(targets).values()) {
      count += jt.rejected().size();
      jt.rejected().stream().limit(Admission.NAMED_PER_SOURCE).forEach(r -> named.add(r.line()));
    }
    return count == 0 ? null : new CoordinatorStatus.Rejected(count, named);
  }

  public DispatchMode mode() {
    return mode;
  }

  public ConfigState config() {
    return config;
  }

  public boolean configLoaded() {
    return configLoaded;
  }

  public Map<String, Member> members() {
    return members;
  }

  public Term term() {
    return term;
  }

  public Published published() {
    return published;
  }

  public Map<String, Assignment> previous() {
    return previous;
  }

  public String problem() {
    return problem;
  }

  public Hold hold() {
    return hold;
  }

  public String approval() {
    return approval;
  }

  public int failures() {
    return failures;
  }

  public DispatchSchedule schedule() {
    return schedule;
  }

  public Handovers handovers() {
    return handovers;
  }

  private Builder edit() {
    return new Builder(this);
  }

  /** The fields of a state while one change is made to them. */
  private static final class Builder {
    DispatchMode mode;
    Instant started;
    Duration startupGrace;
    ConfigState config;
    boolean configLoaded;
    List<RecordRule> records = List.of();
    Map<String, String> recordErrors = Map.of();
    boolean recordsLoaded;
    Map<String, Member> members = Map.of();
    boolean membersKnown;
    MembershipStatus membership;
    Map<String, JobTargets> targets = Map.of();
    Map<String, List<SourceHealth>> sourceHealth = Map.of();
    Term term;
    Published published;
    Map<String, Assignment> previous = Map.of();
    boolean dispatched;
    String problem = "";
    Hold hold;
    Instant holdSince;
    String approval;
    CoordinatorStatus.DispatchSummary lastDispatch;
    List<CoordinatorStatus.DispatchSummary> recentDispatches = List.of();
    int failures;
    DispatchSchedule schedule = DispatchSchedule.NONE;
    Handovers handovers = Handovers.NONE;
    NodeReports reports = NodeReports.NONE;
    boolean reportsLoaded;
    RecordsImportStatus recordsImport;
    CoordinatorStatus.LoadSummary load;

    Builder() {}

    Builder(DispatchState s) {
      mode = s.mode;
      started = s.started;
      startupGrace = s.startupGrace;
      config = s.config;
      configLoaded = s.configLoaded;
      records = s.records;
      recordErrors = s.recordErrors;
      recordsLoaded = s.recordsLoaded;
      members = s.members;
      membersKnown = s.membersKnown;
      membership = s.membership;
      targets = s.targets;
      sourceHealth = s.sourceHealth;
      term = s.term;
      published = s.published;
      previous = s.previous;
      dispatched = s.dispatched;
      problem = s.problem;
      hold = s.hold;
      holdSince = s.holdSince;
      approval = s.approval;
      lastDispatch = s.lastDispatch;
      recentDispatches = s.recentDispatches;
      failures = s.failures;
      schedule = s.schedule;
      handovers = s.handovers;
      reports = s.reports;
      reportsLoaded = s.reportsLoaded;
      recordsImport = s.recordsImport;
      load = s.load;
    }

    DispatchState build() {
      return new DispatchState(this);
    }
  }
}

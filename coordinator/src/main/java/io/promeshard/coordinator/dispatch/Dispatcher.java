package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.dispatch.DispatchDecision.Decision;
import io.promeshard.coordinator.load.ObservedLoad;
import io.promeshard.coordinator.membership.MembershipStatus;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.coordinator.publish.PublishPlanner;
import io.promeshard.coordinator.publish.Publisher;
import io.promeshard.coordinator.publish.RecordsImportStatus;
import io.promeshard.coordinator.publish.StatusWriter;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.consul.TxnRejectedException;
import io.promeshard.protocol.consul.TxnResult;
import io.promeshard.protocol.lifecycle.Lifecycle;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's one loop. Every input (configuration, records, members, targets, leadership)
 * arrives as an event that turns the current {@link DispatchState} into the next; this thread alone
 * applies them, asks {@link DispatchDecision} whether a due dispatch runs, and does the I/O:
 * reading what is published, publishing, writing status. A dispatch runs one {@code debounce} after
 * the first event of a burst and after every {@code resync_interval}; a failed publish is retried
 * with backoff after reading again what is published (earlier batches may have committed); losing
 * the lock stops writing at once. Other threads read the last {@link #snapshot()}.
 */
public final class Dispatcher extends Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /**
   * Publishing retries after 1 s, 2 s, 4 s … 30 s: one leader publishes, so there is no herd to
   * spread.
   */
  private static final RetryPolicy RETRY =
      RetryPolicy.noJitter(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
  private static final long IDLE_WAKE_MILLIS = 1000;

  private final Publisher publisher;
  private final PublishPlanner planner;
  private final DispatchObserver observer;
  private final StatusWriter statusWriter;
  private final Clock clock;
  private final Consumer<DispatchReport> reports;
  private final BlockingQueue<UnaryOperator<DispatchState>> events = new LinkedBlockingQueue<>();
  private volatile Supplier<MembershipStatus> membershipView = () -> null;
  private volatile DispatchState snapshot;

  /** Owned by the dispatcher thread. */
  private DispatchState state;

  private List<String> lastWaitLogged = List.of();

  /** The sharding items of the last targets, reused while the targets stay the same. */
  private final TargetItems targetItems = new TargetItems();

  /** The last dispatch that went through, for reusing its shares when nothing changed. */
  private LastDispatch last;

  /** Where the agents' measured samples come from; set once before start by the wiring. */
  private volatile ObservedLoad observedLoad = ObservedLoad.NONE;

  /** The load model and move budget, carried from dispatch to dispatch. */
  private final LoadTracker load = new LoadTracker();

  public Dispatcher(
      DispatchMode mode,
      KvLayout layout,
      Publisher publisher,
      DispatchObserver observer,
      StatusWriter statusWriter,
      Clock clock,
      Duration startupGrace,
      Consumer<DispatchReport> reports) {
    super("dispatcher", JOIN_TIMEOUT);
    this.publisher = publisher;
    this.planner = new PublishPlanner(layout);
    this.observer = observer;
    this.statusWriter = statusWriter;
    this.clock = clock;
    this.reports = reports;
    this.state = DispatchState.initial(mode, layout, clock.instant(), startupGrace);
    this.snapshot = state;
  }

  @Override
  public Dispatcher start() {
    super.start();
    return this;
  }

  /** Applies {@code event} on the dispatcher thread, then schedules a dispatch. */
  public void submit(UnaryOperator<DispatchState> event) {
    events.add(s -> event.apply(s).dirty(clock.instant()));
  }

  /** Applies {@code event} on the dispatcher thread without scheduling a dispatch. */
  public void run(UnaryOperator<DispatchState> event) {
    events.add(event);
  }

  /** Where to read the targets' measured samples when {@code load_aware} is on. */
  public void observeLoad(ObservedLoad load) {
    observedLoad = load;
  }

  /** The agents' reports as read from {@code status/}. */
  public void reports(NodeReports reports) {
    run(s -> s.withReports(reports, clock.instant()));
  }

  /**
   * The last automatic import of slow queries: kept for {@code status/coordinator}, which is
   * written at once (no dispatch needed).
   */
  public void recordsImported(RecordsImportStatus last) {
    run(
        s -> {
          DispatchState next = s.withRecordsImport(last);
          writeStatus(next);
          return next;
        });
  }

  /** This process became leader ({@code term}) or lost the lock ({@code null}). */
  public void leadership(DispatchState.Term term) {
    run(s -> changeTerm(s, term));
  }

  /**
   * Where the first dispatch looks for servers that are about to join (the live membership view).
   */
  public void followMembership(Supplier<MembershipStatus> view) {
    membershipView = view;
  }

  /** The state as of the end of the dispatcher's last step: safe to read from any thread. */
  public DispatchState snapshot() {
    return snapshot;
  }

  @Override
  protected void run() throws InterruptedException {
    while (isRunning()) {
      UnaryOperator<DispatchState> first = events.poll(waitMillis(), TimeUnit.MILLISECONDS);
      step(() -> advance(first));
    }
  }

  /** One turn of the loop: apply the queued events, then read and dispatch if due. */
  private void advance(UnaryOperator<DispatchState> first) {
    try {
      UnaryOperator<DispatchState> event = first;
      while (event != null) {
        state = event.apply(state);
        event = events.poll();
      }
      Instant now = clock.instant();
      if (state.resyncDue(now)) {
        state = state.resyncTaken();
        if (state.mayRead()) {
          state = resync(state);
        }
      }
      if (state.dispatchDue(now)) {
        state = dispatch(state.dispatchTaken());
      }
    } catch (RuntimeException e) {
      Duration retryIn = backoff(state);
      log.error("[dispatch] unexpected failure, retrying in {} ms", retryIn.toMillis(), e);
      observer.dispatched("error", 0);
      state = state.afterUnexpectedFailure(e.toString(), clock.instant(), retryIn);
      writeStatus(state);
    }
    snapshot = state;
  }

  private long waitMillis() {
    Instant next = state.nextWake();
    if (next == null) {
      return IDLE_WAKE_MILLIS;
    }
    return Math.max(
        1, Math.min(IDLE_WAKE_MILLIS, Duration.between(clock.instant(), next).toMillis()));
  }

  private DispatchState changeTerm(DispatchState s, DispatchState.Term term) {
    observer.leadership(term != null, term == null ? 0 : term.epoch());
    if (term == null) {
      observer.held(false); // a hold is the leader's to report
    }
    return s.withTerm(term, clock.instant());
  }

  private DispatchState resync(DispatchState s) {
    try {
      Publisher.Stored stored = publisher.readStored();
      return s.afterRead(
          new DispatchState.Published(stored.nodes(), StoredShares.decode(stored)),
          clock.instant());
    } catch (IOException e) {
      log.warn(
          "[dispatch] reading published shares failed, retrying in {} ms: {}",
          backoff(s).toMillis(),
          e.getMessage());
      return s.afterReadFailed(e.getMessage(), clock.instant(), backoff(s));
    }
  }

  private DispatchState dispatch(DispatchState s) {
    Instant begin = clock.instant();
    DispatchPhases phases = DispatchPhases.start();
    s = s.withMembershipView(membershipView.get());
    Decision decision = DispatchDecision.decide(s, begin);
    phases.end("decide");
    if (decision instanceof DispatchDecision.NotReady notReady) {
      log.debug("[dispatch] not dispatching: {}", notReady.reason());
      return s;
    }
    if (decision instanceof DispatchDecision.Wait wait) {
      if (!wait.waitingFor().equals(lastWaitLogged)) {
        log.info("[dispatch] {}: {}", wait.reason(), wait.waitingFor());
        lastWaitLogged = wait.waitingFor();
      }
      return s.dueNoLaterThan(wait.until());
    }
    if (decision instanceof DispatchDecision.Held held) {
      return hold(s, held.hold(), begin);
    }
    return publish(s, (DispatchDecision.Dispatch) decision, begin, phases);
  }

  /** Writes nothing but status: the last assignment stays until the hold is released. */
  private DispatchState hold(DispatchState s, Hold hold, Instant begin) {
    if (s.hold() == null || !s.hold().id().equals(hold.id())) {
      log.error(
          "[dispatch] held, nothing written: {} (hold {}; released by {})",
          hold.reason(),
          hold.id(),
          hold.release());
    }
    observer.held(true);
    observer.dispatched("held", seconds(begin));
    s = s.held(hold, begin);
    writeStatus(s);
    return s;
  }

  private DispatchState publish(
      DispatchState s, DispatchDecision.Dispatch decision, Instant begin, DispatchPhases phases) {
    HandoverPlanner handovers = DispatchDecision.handovers(s, decision, begin);
    // by load, the samples may have changed while the input did not: always place again
    boolean byLoad = decision.input().settings().loadAware();
    DispatchOutput reused = last == null || byLoad ? null : last.reusableFor(s, decision);
    DispatchOutput out =
        reused != null
            ? reused
            : load.build(
                decision.input(),
                decision.previous(),
                handovers,
                targetItems,
                observedLoad.samples(),
                begin);
    HandoverPlanner.Result handed = handovers.finish();
    phases.end("shares");
    DispatchState.Published before = s.published();
    Map<String, StoredNode> stored = before == null ? Map.of() : before.nodes();
    DispatchState.Term term = s.term();
    PublishPlan plan;
    if (reused != null) {
      // the shares the last dispatch published, over what it left: nothing removed, nothing to
      // write
      plan = new PublishPlan(List.of(), List.of(), List.of(), stored);
    } else {
      LastDispatch published = last != null && last.isPublished(s) ? last : null;
      Settings settings = s.config().settings();
      Optional<Hold> hold =
          published != null
              ? DispatchDecision.guard(s, () -> published.guard(decision.input(), settings))
              : DispatchDecision.guard(s, out.shares());
      phases.end("guard");
      if (hold.isPresent()) {
        return hold(s, hold.get(), begin);
      }
      plan =
          planner.plan(
              out.shares(),
              stored,
              term == null ? 0 : term.epoch(),
              begin.toString(),
              settings.shareEncoding());
      phases.end("plan");
    }
    TxnResult written = new TxnResult(0, 0, 0);
    if (s.mode() == DispatchMode.PUBLISH) {
      try {
        written = publisher.publish(plan, term.fence());
      } catch (TxnRejectedException e) {
        observer.dispatched("error", seconds(begin));
        if (e.fencingLost()) {
          log.warn("[dispatch] leadership lost while publishing; standing by: {}", e.getMessage());
          return changeTerm(s, null);
        }
        log.error(
            "[dispatch] publish rejected; reading what is published and retrying in {} ms: {}",
            backoff(s).toMillis(),
            e.getMessage());
        return s.afterPublishFailed(
            "publish rejected: " + e.getMessage(), clock.instant(), backoff(s));
      } catch (IOException e) {
        observer.dispatched("error", seconds(begin));
        log.error(
            "[dispatch] publish failed; reading what is published and retrying in {} ms: {}",
            backoff(s).toMillis(),
            e.getMessage());
        return s.afterPublishFailed(
            "publish failed: " + e.getMessage(), clock.instant(), backoff(s));
      }
    }
    phases.end("write");
    double took = seconds(begin);
    CoordinatorStatus.DispatchSummary change =
        plan.isEmpty()
            ? null
            : new CoordinatorStatus.DispatchSummary(
                begin.toString(),
                out.shares().size(),
                out.targets(),
                out.rules(),
                out.moved(),
                plan.changedNodes().size(),
                plan.keyCount(),
                plan.byteCount(),
                (long) (took * 1000));
    if (s.hold() != null) {
      log.info("[dispatch] hold {} released", s.hold().id());
    }
    if (s.mode() == DispatchMode.PUBLISH && s.approval() != null) {
      clearApproval(s);
    }
    Handovers inProgress = handed.handovers().stamped(plan.after());
    last = new LastDispatch(decision.input(), out, plan.after());
    s =
        s.afterDispatch(
            out.assignments(),
            out.shares(),
            plan.after(),
            decision.incomplete(),
            change,
            inProgress);
    s = afterLoad(s, out.load(), decision.input(), begin);
    observer.handovers(handed, inProgress);
    logHandovers(handed, inProgress, decision.input().settings().handoverTimeout());
    observer.held(false);
    observer.dispatched(plan.isEmpty() ? "unchanged" : "changed", took);
    observer.phases(phases.seconds());
    log.debug(
        "[dispatch] took {} ms{}: {}",
        Math.round(took * 1000),
        reused != null ? " (same input as the last dispatch: its shares reused)" : "",
        phases);
    observer.nodes(out.targetsByNode(), out.costByNode(), out.rulesByNode());
    if (change != null) {
      observer.published(out.moved(), plan.keyCount(), plan.byteCount());
      log.info(
          "[dispatch] {} targets and {} rules over {} nodes: {} moved, {} nodes changed, {} keys written in {} ms",
          out.targets(),
          out.rules(),
          out.shares().size(),
          out.moved(),
          change.changedNodes(),
          change.keysWritten(),
          change.durationMs());
    } else {
      log.debug(
          "[dispatch] nothing changed ({} targets over {} nodes)",
          out.targets(),
          out.shares().size());
    }
    writeStatus(s);
    StoredShares shares = before == null ? StoredShares.empty() : before.shares();
    reports.accept(
        new DispatchReport(
            decision.input(), decision.previous(), out, shares, plan, written, took, inProgress));
    return s;
  }

  /** Keeps what placing by load did in a published dispatch, and reports it. */
  private DispatchState afterLoad(
      DispatchState s, LoadOutcome outcome, DispatchInput in, Instant at) {
    load.published(outcome, at);
    observer.load(outcome);
    logLoad(outcome);
    return s.withLoad(load.summary(outcome, in, at));
  }

  private static void logLoad(LoadOutcome load) {
    if (!load.enabled()) {
      return;
    }
    if (load.moves() > 0 || load.deferred() > 0) {
      log.info(
          "[load] {} targets moved by re-weighing, {} cost changes deferred (budget left this hour: {})",
          load.moves(),
          load.deferred(),
          load.budgetLeft());
    }
    if (!load.unplaced().isEmpty()) {
      log.error(
          "[load] {} targets fit on no server under its max_series and are not scraped until"
              + " room appears; first: {}",
          load.unplaced().size(),
          load.unplaced().subList(0, Math.min(5, load.unplaced().size())));
    }
  }

  private static void logHandovers(
      HandoverPlanner.Result r, Handovers inProgress, Duration timeout) {
    if (r.started() > 0) {
      log.info(
          "[handover] {} items move while their old owners keep them until the new owners have"
              + " scraped or evaluated them (at most {}): in progress per new owner {}",
          r.started(),
          Durations.format(timeout),
          inProgress.summary(timeout, 0).byNode());
    }
    if (r.completed() > 0) {
      log.info(
          "[handover] {} targets and {} records taken over and removed from their old owners"
              + " (longest {} ms); {} still in progress",
          r.completedTargets().size(),
          r.completedRecords().size(),
          Stream.concat(r.completedTargets().stream(), r.completedRecords().stream())
              .mapToLong(Duration::toMillis)
              .max()
              .orElse(0),
          inProgress.size());
    }
    if (!r.timedOut().isEmpty()) {
      log.warn(
          "[handover] {} handovers timed out after {}: the new owner did not report a scrape or an"
              + " evaluation; the old owners let go anyway. First: {}",
          r.timedOut().size(),
          Durations.format(timeout),
          r.timedOut().subList(0, Math.min(5, r.timedOut().size())));
    }
    if (r.cancelled() > 0) {
      log.info(
          "[handover] {} handovers ended without a takeover: no old owner left to keep the item,"
              + " or handovers turned off",
          r.cancelled());
    }
  }

  /** The approval has done its work (or no longer matches anything): remove it. */
  private void clearApproval(DispatchState s) {
    try {
      publisher.clearHoldApproval(s.term().fence());
      log.info("[dispatch] hold approval {} used and removed", s.approval());
    } catch (IOException e) {
      log.warn("[dispatch] removing the hold approval failed: {}", e.getMessage());
    }
  }

  private void writeStatus(DispatchState s) {
    if (s.mode() != DispatchMode.PUBLISH || s.term() == null) {
      return;
    }
    try {
      statusWriter.write(s.status(), s.term().fence());
    } catch (IOException | RuntimeException e) {
      log.warn("[dispatch] writing status failed: {}", e.toString());
    }
  }

  /** How long to wait before retrying after one more failure than {@code s} has seen. */
  private static Duration backoff(DispatchState s) {
    return RETRY.delay(s.failures() + 1);
  }

  private double seconds(Instant begin) {
    return Duration.between(begin, clock.instant()).toNanos() / 1e9;
  }
}

package io.promeshard.coordinator.run;

import io.promeshard.coordinator.config.ConfigState;
import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.dispatch.DispatchInput;
import io.promeshard.coordinator.dispatch.DispatchOutput;
import io.promeshard.coordinator.dispatch.ShareBuilder;
import io.promeshard.coordinator.membership.Member;
import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.coordinator.publish.PublishPlanner;
import io.promeshard.coordinator.publish.Publisher;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.coordinator.source.JobTargets;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.TxnRejectedException;
import io.promeshard.protocol.consul.TxnResult;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's one loop: every input (configuration, records, members, targets, leadership)
 * arrives as an event on a queue and is applied by this thread alone; a dispatch runs one
 * {@code debounce} after the first event of a burst and every {@code resync_interval}. A failed
 * publish is retried with backoff; losing the lock stops writing at once.
 */
public final class Dispatcher implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /** Publishing needs the lock; a dry run computes and reports plans and writes nothing. */
  public enum Mode { PUBLISH, DRY_RUN }

  /** The current leadership term: its fence guards every write. */
  public record Term(long epoch, Fence fence, String holder) {}

  private final Mode mode;
  private final Publisher publisher;
  private final PublishPlanner planner;
  private final CoordinatorMetrics metrics;
  private final StatusWriter statusWriter;
  private final Clock clock;
  private final Duration startupGrace;
  private final Consumer<DispatchReport> reports;
  private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;

  final DispatchState state;
  private Instant dueAt;
  private Instant resyncAt;
  private int failures;
  private List<String> loggedJoinWait = List.of();
  private final Instant started;

  public Dispatcher(Mode mode, KvLayout layout, Publisher publisher, CoordinatorMetrics metrics, StatusWriter statusWriter,
      Clock clock, Duration startupGrace, Consumer<DispatchReport> reports) {
    this.mode = mode;
    this.publisher = publisher;
    this.planner = new PublishPlanner(layout);
    this.metrics = metrics;
    this.statusWriter = statusWriter;
    this.clock = clock;
    this.startupGrace = startupGrace;
    this.reports = reports;
    this.state = new DispatchState(new ConfigState(layout));
    this.started = clock.instant();
    this.thread = new Thread(this::loop, "dispatcher");
    this.thread.setDaemon(true);
  }

  public Dispatcher start() {
    if (mode == Mode.DRY_RUN) {
      resyncAt = clock.instant(); // no lock to wait for: read what is published right away
    }
    thread.start();
    return this;
  }

  /** Runs {@code event} on the dispatcher thread, then schedules a dispatch. */
  public void submit(Runnable event) {
    events.add(() -> {
      event.run();
      markDirty();
    });
  }

  /** Runs {@code event} on the dispatcher thread without scheduling a dispatch. */
  public void run(Runnable event) {
    events.add(event);
  }

  /** Schedules a dispatch one debounce from now, or keeps an earlier one (a burst coalesces). */
  private void markDirty() {
    Instant at = clock.instant().plus(state.config.settings().debounce());
    if (dueAt == null || at.isBefore(dueAt)) {
      dueAt = at; // also pulls in a dispatch parked for a grace period or a retry: new input may unblock it
    }
  }

  private void loop() {
    while (running) {
      try {
        Runnable event = events.poll(waitMillis(), TimeUnit.MILLISECONDS);
        while (event != null && running) {
          event.run();
          event = events.poll();
        }
        Instant now = clock.instant();
        if (resyncAt != null && !now.isBefore(resyncAt)) {
          resyncAt = null;
          resync();
        }
        if (dueAt != null && !now.isBefore(dueAt)) {
          dueAt = null;
          dispatch();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("[dispatch] unexpected failure, retrying", e);
        retryLater();
      }
    }
  }

  private long waitMillis() {
    Instant now = clock.instant();
    Instant next = dueAt;
    if (resyncAt != null && (next == null || resyncAt.isBefore(next))) {
      next = resyncAt;
    }
    return next == null ? 1000 : Math.max(1, Math.min(1000, Duration.between(now, next).toMillis()));
  }

  /** Called on the dispatcher thread when this coordinator becomes leader or loses the lock. */
  void leadership(Term term) {
    state.term = term;
    metrics.leadership(term != null, term == null ? 0 : term.epoch());
    if (term != null) {
      resyncAt = clock.instant();
    } else {
      state.stored = null;
    }
  }

  private void resync() {
    if (mode == Mode.PUBLISH && state.term == null) {
      return;
    }
    try {
      Publisher.Stored stored = publisher.readStored();
      state.stored = stored.nodes();
      state.storedShares = StoredShares.decode(stored);
      dueAt = clock.instant();
    } catch (IOException e) {
      log.warn("[dispatch] reading published shares failed: {}", e.getMessage());
      retryLater();
    }
    resyncAt = clock.instant().plus(state.config.settings().resyncInterval());
  }

  private void retryLater() {
    failures++;
    long ms = Math.min(MAX_RETRY.toMillis(), 500L << Math.min(failures, 10));
    Instant at = clock.instant().plusMillis(ms);
    if (dueAt == null || dueAt.isAfter(at)) {
      dueAt = at;
    }
  }

  private void dispatch() {
    String waiting = state.notReady(mode);
    if (waiting != null) {
      log.debug("[dispatch] not dispatching: {}", waiting);
      return;
    }
    Instant begin = clock.instant();
    if (state.members.isEmpty()) {
      if (!state.problem.startsWith("no healthy")) {
        log.error("[dispatch] no healthy members of service {}: keeping the last published assignment",
            state.config.settings().nodeService());
      }
      state.problem = "no healthy members of service " + state.config.settings().nodeService() + ": keeping the last published assignment";
      writeStatus();
      return;
    }
    List<String> joining = state.dispatched || mode != Mode.PUBLISH ? List.of() : state.settling();
    Instant settleBy = started.plus(startupGrace).plus(state.config.settings().flapHold());
    if (!joining.isEmpty() && begin.isBefore(settleBy)) {
      // a cold fleet start: servers whose checks pass a moment later would join one flap_hold after
      // the first dispatch and reshuffle it; wait for them (bounded) and place every target once
      if (!joining.equals(loggedJoinWait)) {
        log.info("[dispatch] first dispatch waits for {} to pass their checks and join (at most until {})", joining, settleBy);
        loggedJoinWait = joining;
      }
      dueAt = begin.plusMillis(500);
      return;
    }
    Map<String, List<TargetGroup>> targets = new TreeMap<>();
    List<String> incomplete = new ArrayList<>();
    for (Map.Entry<String, JobSpec> job : state.config.jobs().entrySet()) {
      JobTargets jt = state.targets.get(job.getKey());
      if (jt != null && jt.complete()) {
        targets.put(job.getKey(), jt.groups());
      } else {
        incomplete.add(job.getKey());
        List<TargetGroup> fallback = jt != null && !jt.groups().isEmpty() ? jt.groups() : state.storedShares.targetsOf(job.getKey());
        targets.put(job.getKey(), fallback);
      }
    }
    if (!incomplete.isEmpty() && begin.isBefore(started.plus(startupGrace))) {
      log.info("[dispatch] waiting up to {} for the first results of jobs {}", startupGrace, incomplete);
      dueAt = started.plus(startupGrace);
      return;
    }
    DispatchInput input = new DispatchInput(state.config.settings(), state.config.jobs(), targets, state.records, state.members);
    if (state.previous.isEmpty() && !state.storedShares.shares().isEmpty()) {
      // first dispatch of this process: continue from what is published, so a takeover moves nothing
      state.previous = PreviousAssignments.from(state.storedShares, input);
    }
    Map<String, Assignment> previous = state.previous;
    DispatchOutput out = ShareBuilder.build(input, previous);
    Map<String, StoredNode> stored = state.stored == null ? Map.of() : state.stored;
    long epoch = state.term == null ? 0 : state.term.epoch();
    PublishPlan plan = planner.plan(out.shares(), stored, epoch, begin.toString());
    TxnResult written = new TxnResult(0, 0, 0);
    if (mode == Mode.PUBLISH) {
      try {
        written = publisher.publish(plan, state.term.fence());
      } catch (TxnRejectedException e) {
        metrics.dispatched("error", seconds(begin));
        if (e.fencingLost()) {
          log.warn("[dispatch] leadership lost while publishing; standing by: {}", e.getMessage());
          leadership(null);
        } else {
          log.error("[dispatch] publish rejected: {}", e.getMessage());
          state.problem = "publish rejected: " + e.getMessage();
          retryLater();
        }
        return;
      } catch (IOException e) {
        metrics.dispatched("error", seconds(begin));
        log.error("[dispatch] publish failed, will retry: {}", e.getMessage());
        state.problem = "publish failed: " + e.getMessage();
        retryLater();
        return;
      }
    }
    failures = 0;
    state.dispatched = true;
    state.stored = plan.after();
    state.previous = out.assignments();
    state.problem = incomplete.isEmpty() ? "" : "jobs without a complete source result (published their last known targets): " + incomplete;
    double took = seconds(begin);
    metrics.dispatched(plan.isEmpty() ? "unchanged" : "changed", took);
    metrics.nodes(out.targetsByNode(), out.costByNode(), out.rulesByNode());
    if (!plan.isEmpty()) {
      metrics.published(out.moved(), plan.keyCount(), plan.byteCount());
      state.lastDispatch = new CoordinatorStatus.DispatchSummary(begin.toString(), out.shares().size(), out.targets(),
          out.rules(), out.moved(), plan.changedNodes().size(), plan.keyCount(), plan.byteCount(), (long) (took * 1000));
      log.info("[dispatch] {} targets and {} rules over {} nodes: {} moved, {} nodes changed, {} keys written in {} ms",
          out.targets(), out.rules(), out.shares().size(), out.moved(), plan.changedNodes().size(), plan.keyCount(), (long) (took * 1000));
    } else {
      log.debug("[dispatch] nothing changed ({} targets over {} nodes)", out.targets(), out.shares().size());
    }
    writeStatus();
    reports.accept(new DispatchReport(input, previous, out, state.storedShares, plan, written, took));
  }

  private void writeStatus() {
    if (mode != Mode.PUBLISH || state.term == null) {
      return;
    }
    try {
      statusWriter.write(state.status(), state.term.fence());
    } catch (IOException e) {
      log.warn("[dispatch] writing status failed: {}", e.getMessage());
    }
  }

  private double seconds(Instant begin) {
    return Duration.between(begin, clock.instant()).toNanos() / 1e9;
  }

  /**
   * One dispatch's outcome, for --once, --dry-run, explain and tests: what it decided from, the
   * shares it computed, the shares published before it (as last read from Consul) and what it wrote.
   */
  public record DispatchReport(DispatchInput input, Map<String, Assignment> previous, DispatchOutput output,
      StoredShares before, PublishPlan plan, TxnResult written, double seconds) {}

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Latest assignments (for explain); read on the dispatcher thread. */
  Map<String, Assignment> assignments() {
    return state.previous;
  }
}

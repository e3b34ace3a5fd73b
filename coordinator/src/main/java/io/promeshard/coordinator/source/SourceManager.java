package io.promeshard.coordinator.source;

import io.promeshard.coordinator.config.SourceSpec;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.lifecycle.Lifecycle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sources of every job, merges their latest results per job and hands the whole {@code job
 * → JobTargets} snapshot to a listener from its own thread ("source-manager"), newest first:
 * changes that arrive while the listener is busy go into its next call, and nothing else is held
 * back (the dispatcher debounces). A failing source keeps its last good targets (stale beats
 * partial); its error is logged at WARN and kept in {@link #health()}. {@link #setJobs} restarts
 * only jobs whose spec changed.
 */
public final class SourceManager extends Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(SourceManager.class);
  private static final Duration JOIN = Duration.ofSeconds(5);

  /**
   * Runs on the notifier thread before each hand-over; tests hold it to make a burst deterministic.
   */
  @FunctionalInterface
  interface HandOver {
    void await() throws InterruptedException;
  }

  private final SourceFactory factory;
  private final Consumer<Map<String, JobTargets>> listener;
  private final Clock clock;
  private final HandOver handOver;
  private final Object lock = new Object();
  private volatile LabelNameScheme labelNames = LabelNameScheme.LEGACY; // written under lock
  // guarded by lock
  private final Map<String, JobRun> jobs = new TreeMap<>();
  private Map<String, JobTargets> current = Map.of();
  private boolean dirty;

  public SourceManager(SourceFactory factory, Consumer<Map<String, JobTargets>> listener) {
    this(factory, listener, Clock.systemUTC());
  }

  public SourceManager(
      SourceFactory factory, Consumer<Map<String, JobTargets>> listener, Clock clock) {
    this(factory, listener, clock, () -> {});
  }

  SourceManager(
      SourceFactory factory,
      Consumer<Map<String, JobTargets>> listener,
      Clock clock,
      HandOver handOver) {
    super("source-manager", JOIN);
    this.factory = Objects.requireNonNull(factory, "factory");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.handOver = Objects.requireNonNull(handOver, "handOver");
  }

  /** Starts the notifier thread; jobs are given with {@link #setJobs}. */
  @Override
  public SourceManager start() {
    super.start();
    return this;
  }

  /**
   * Makes {@code specs} the jobs to run: new jobs start, removed jobs stop, and a job whose source
   * list changed is restarted (serving its previous targets until all its new sources have
   * reported). Jobs whose specs are equal keep running untouched. An invalid job name throws and
   * changes nothing.
   */
  public void setJobs(Map<String, List<SourceSpec>> specs) {
    Map<String, List<SourceSpec>> wanted = new TreeMap<>();
    specs.forEach((job, list) -> wanted.put(Names.job(job), List.copyOf(list)));
    List<TargetSource> toClose = new ArrayList<>();
    synchronized (lock) {
      requireRunning();
      for (String job : new ArrayList<>(jobs.keySet())) {
        if (!wanted.containsKey(job)) {
          toClose.addAll(jobs.remove(job).detach());
          log.info("[source] {}: job removed", job);
        }
      }
      for (Map.Entry<String, List<SourceSpec>> e : wanted.entrySet()) {
        JobRun old = jobs.get(e.getKey());
        if (old != null && old.specs.equals(e.getValue())) {
          continue;
        }
        JobTargets fallback = old == null ? null : current.get(e.getKey());
        if (old != null) {
          toClose.addAll(old.detach());
        }
        log.info(
            "[source] {}: job {} with {} sources",
            e.getKey(),
            old == null ? "added" : "replaced",
            e.getValue().size());
        JobRun run = new JobRun(e.getKey(), e.getValue(), fallback);
        if (old != null) {
          run.inherit(old);
        }
        startRun(run);
      }
      publish();
    }
    toClose.forEach(TargetSource::close);
  }

  /**
   * Which label names targets may carry ({@code settings.label_names}); a change checks every
   * source's last result again, so targets left out under the old rule come back at once.
   */
  public void setLabelNames(LabelNameScheme scheme) {
    synchronized (lock) {
      if (scheme == labelNames) {
        return;
      }
      labelNames = scheme;
      for (JobRun run : jobs.values()) {
        for (JobRun.Slot slot : run.slots) {
          if (slot.raw != null) {
            slot.admit(Admission.check(run.job, slot.name, slot.raw, scheme));
          }
        }
      }
      log.info("[source] label names checked as {}", scheme.name().toLowerCase(Locale.ROOT));
      publish();
    }
  }

  /** The merged targets of every job now (not debounced). */
  public Map<String, JobTargets> snapshot() {
    synchronized (lock) {
      return current;
    }
  }

  /** Per job, the health of each source in spec order. */
  public Map<String, List<SourceHealth>> health() {
    Map<String, List<SourceHealth>> out = new TreeMap<>();
    synchronized (lock) {
      jobs.forEach((job, run) -> out.put(job, List.copyOf(run.health())));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Closes every source, then stops the notifier thread. */
  @Override
  protected void onClose() {
    List<TargetSource> toClose = new ArrayList<>();
    synchronized (lock) {
      jobs.values().forEach(run -> toClose.addAll(run.detach()));
      jobs.clear();
      lock.notifyAll();
    }
    toClose.forEach(TargetSource::close);
  }

  private void requireRunning() {
    if (!isRunning()) {
      throw new IllegalStateException(
          "source manager is " + state().name().toLowerCase(Locale.ROOT));
    }
  }

  // under lock
  private void startRun(JobRun run) {
    jobs.put(run.job, run);
    for (int i = 0; i < run.slots.size(); i++) {
      JobRun.Slot slot = run.slots.get(i);
      try {
        slot.source = factory.create(slot.name, run.specs.get(i));
      } catch (RuntimeException e) {
        slot.failure("cannot start: " + e.getMessage(), clock.instant());
        log.error("[source] {}: cannot start: {}", slot.name, e.getMessage());
        continue;
      }
      slot.source.start(new SlotListener(run, slot));
    }
  }

  // under lock: recomputes the snapshot from every job and wakes the notifier on a change
  private void publish() {
    Map<String, JobTargets> next = new TreeMap<>();
    jobs.forEach((job, run) -> next.put(job, run.targets()));
    if (!next.equals(current)) {
      current = Collections.unmodifiableMap(next);
      dirty = true;
      lock.notifyAll();
    }
  }

  // under lock: recomputes one job
  private void publish(JobRun run) {
    JobTargets before = current.get(run.job);
    JobTargets after = run.targets();
    if (after.equals(before)) {
      return;
    }
    if (before == null || before.size() != after.size() || before.complete() != after.complete()) {
      log.info(
          "[source] {}: {} targets{} (was {})",
          run.job,
          after.size(),
          after.complete() ? "" : " (incomplete)",
          before == null ? 0 : before.size());
    }
    Map<String, JobTargets> next = new TreeMap<>(current);
    next.put(run.job, after);
    current = Collections.unmodifiableMap(next);
    dirty = true;
    lock.notifyAll();
  }

  @Override
  protected void run() throws InterruptedException {
    Map<String, JobTargets> lastSent = null;
    while (true) {
      synchronized (lock) {
        while (!dirty && isRunning()) {
          lock.wait();
        }
      }
      if (!isRunning()) {
        return;
      }
      handOver.await();
      Map<String, JobTargets> snapshot;
      synchronized (lock) {
        if (!isRunning()) {
          return;
        }
        dirty = false;
        snapshot = current;
      }
      if (snapshot.equals(lastSent)) {
        continue;
      }
      try {
        listener.accept(snapshot);
      } catch (RuntimeException e) {
        log.error("[source] listener failed on a snapshot of {} jobs", snapshot.size(), e);
      }
      lastSent = snapshot;
    }
  }

  /** Feeds one source's callbacks into its slot; callbacks of a detached run are ignored. */
  private static void logRejected(String source, List<Admission.Rejected> rejected) {
    if (rejected.isEmpty()) {
      log.info("[source] {}: no target rejected any more", source);
      return;
    }
    log.warn(
        "[source] {}: {} targets cannot be published and are left out (the rest is kept)",
        source,
        rejected.size());
    rejected.stream()
        .limit(Admission.NAMED_PER_SOURCE)
        .forEach(r -> log.warn("[source] rejected: {}", r.line()));
  }

  private final class SlotListener implements TargetSource.Listener {
    private final JobRun run;
    private final JobRun.Slot slot;

    SlotListener(JobRun run, JobRun.Slot slot) {
      this.run = run;
      this.slot = slot;
    }

    @Override
    public void onTargets(List<TargetGroup> groups, int skipped) {
      LabelNameScheme scheme = labelNames;
      Admission.Admitted admitted = Admission.check(run.job, slot.name, groups, scheme);
      synchronized (lock) {
        if (run.closed) {
          return;
        }
        if (scheme != labelNames) {
          admitted = Admission.check(run.job, slot.name, groups, labelNames);
        }
        if (slot.failing) {
          log.info("[source] {}: recovered after {} errors", slot.name, slot.errorCount);
        }
        if (!admitted.rejected().equals(slot.rejected)) {
          logRejected(slot.name, admitted.rejected());
        }
        slot.success(groups, admitted, skipped, clock.instant());
        publish(run);
      }
    }

    @Override
    public void onError(Exception error) {
      String message = error.getMessage() == null ? error.toString() : error.getMessage();
      int kept;
      long count;
      synchronized (lock) {
        if (run.closed) {
          return;
        }
        slot.failure(message, clock.instant());
        kept = slot.targets;
        count = slot.errorCount;
      }
      log.warn(
          "[source] {}: refresh failed (error {}), keeping {} last good targets: {}",
          slot.name,
          count,
          kept,
          message);
    }
  }
}

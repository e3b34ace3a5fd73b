package io.promeshard.agent.observe;

import io.promeshard.agent.apply.ApplyObserver;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.lifecycle.TaskThread;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the local Prometheus catch up with the agent's files, on its own thread
 * ("agent-observe"): while a target awaits its first scrape or a rule group its first evaluation
 * ({@link FirstScrapes}), it reads Prometheus' API ({@link PrometheusApi}) about a second after the
 * apply loop reported a change, then backing off to every 5 s; with nothing pending it does not
 * poll at all. When what is pending shrinks it calls {@code onChange} (at most about once a
 * second), and the apply loop then composes its status with {@link #observed()}.
 *
 * <p>The apply loop's calls update the tracker at once, under a lock, on the apply thread: a status
 * composed after a write always names the targets that write added, whatever this thread is doing.
 * A failed read changes nothing (WARN once, then DEBUG until Prometheus answers again); targets
 * that Prometheus does not list at all two minutes after they were added are named at WARN once per
 * job file (a file_sd_configs entry missing, or Prometheus sees the files under another path).
 */
public final class Observer implements ApplyObserver, Closeable {
  private static final Logger log = LoggerFactory.getLogger(Observer.class);
  static final Duration NOTIFY_EVERY = Duration.ofSeconds(1);

  /**
   * How often Prometheus is read while something is pending: every {@code every} for the first
   * {@code quick} reads after something new was written (Prometheus takes its targets in on a 5 s
   * discovery tick, then scrapes each once within its interval: a handover waits for exactly that),
   * then twice as far apart each time, at most {@code max}.
   */
  public record Pacing(Duration every, int quick, Duration max) {
    /** Reads 1, 2 … 6 s after a write, then 8, 12, 17 s and every 5 s. */
    public static final Pacing DEFAULT =
        new Pacing(Duration.ofSeconds(1), 6, Duration.ofSeconds(5));

    Duration after(int reads, Duration last) {
      if (reads < quick) {
        return every;
      }
      Duration next = last.multipliedBy(2);
      return next.compareTo(max) > 0 ? max : next;
    }
  }

  static final Duration ABSENT_WARN = Duration.ofMinutes(2);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final String node;
  private final PrometheusApi api;
  private final Path fileSdDir;
  private final Path scrapeConfigDir;
  private final Path rulesDir;
  private final ObserveMetrics metrics;
  private final Runnable onChange;
  private final Clock clock;
  private final Pacing pacing;
  private final TaskThread thread;

  private final Object lock = new Object();
  private final FirstScrapes tracker = new FirstScrapes(); // guarded by lock
  private NodeStatus.Observed reported; // guarded by lock: what the apply loop last composed

  // confined to the observer thread
  private TaskThread.Handle poll;
  private long pollDueNanos;
  private Duration delay;
  private int reads;
  private TaskThread.Handle notify;
  private long notifiedNanos = System.nanoTime() - NOTIFY_EVERY.toNanos();
  private boolean failing;
  private final Set<String> absentSaid = new HashSet<>();

  /** An observer of the files under {@code fileSdDir} and {@code rulesDir} only. */
  public Observer(
      String node,
      PrometheusApi api,
      Path fileSdDir,
      Path rulesDir,
      ObserveMetrics metrics,
      Runnable onChange,
      Clock clock,
      Pacing pacing) {
    this(node, api, fileSdDir, fileSdDir, rulesDir, metrics, onChange, clock, pacing);
  }

  /**
   * Reads {@code api} about the files under {@code fileSdDir} and {@code scrapeConfigDir} ({@code
   * <job>.json}) and {@code rulesDir} ({@code <group>.yml}); {@code onChange} is called on this
   * observer's thread.
   */
  public Observer(
      String node,
      PrometheusApi api,
      Path fileSdDir,
      Path scrapeConfigDir,
      Path rulesDir,
      ObserveMetrics metrics,
      Runnable onChange,
      Clock clock,
      Pacing pacing) {
    this.node = node;
    this.api = Objects.requireNonNull(api, "api");
    this.fileSdDir = Objects.requireNonNull(fileSdDir, "fileSdDir");
    this.scrapeConfigDir = Objects.requireNonNull(scrapeConfigDir, "scrapeConfigDir");
    this.rulesDir = Objects.requireNonNull(rulesDir, "rulesDir");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pacing = Objects.requireNonNull(pacing, "pacing");
    this.delay = pacing.every();
    this.thread =
        new TaskThread(
            "agent-observe",
            CLOSE_WAIT,
            e -> log.error("[observe] {}: unexpected failure, carrying on", node, e));
  }

  /** Starts the thread; IllegalStateException when started twice or after close. */
  public Observer start() {
    thread.start();
    return this;
  }

  @Override
  public void targetsWritten(Map<String, List<TargetGroup>> targets) {
    note(at -> tracker.targetsWritten(targets, at));
  }

  @Override
  public void rulesLoaded(Map<String, List<RecordRule>> rules) {
    note(at -> tracker.rulesLoaded(rules, at));
  }

  /** Tells the tracker, now, under the lock; polls soon when something started awaiting. */
  private void note(Predicate<Instant> change) {
    Instant at = clock.instant();
    boolean added;
    synchronized (lock) {
      added = change.test(at);
      pending();
    }
    if (added) {
      thread.execute(this::awaitingMore);
    }
  }

  @Override
  public NodeStatus.Observed observed() {
    synchronized (lock) {
      reported = tracker.observed();
      return reported;
    }
  }

  /** Stops polling; a poll in progress finishes (its reads are bounded by timeouts). */
  @Override
  public void close() {
    thread.close();
    api.close();
  }

  private void pending() {
    metrics.pending(tracker.unscrapedCount(), tracker.unevaluatedCount());
  }

  /** Something new awaits: quick polls again, the next one {@code every} from now (or sooner). */
  private void awaitingMore() {
    delay = pacing.every();
    reads = 0;
    long due = System.nanoTime() + delay.toNanos();
    if (poll != null && !poll.isDone()) {
      if (pollDueNanos - due <= 0) {
        return;
      }
      poll.cancel();
    }
    schedulePoll(delay);
  }

  private void schedulePoll(Duration in) {
    pollDueNanos = System.nanoTime() + in.toNanos();
    poll = thread.schedule(this::poll, in);
  }

  private void poll() {
    poll = null;
    boolean targets;
    boolean rules;
    synchronized (lock) {
      targets = tracker.unscrapedCount() > 0;
      rules = tracker.unevaluatedCount() > 0;
    }
    if (!targets && !rules) {
      return;
    }
    long started = System.nanoTime();
    try {
      if (targets) {
        readTargets();
      }
      if (rules) {
        Map<String, Instant> evaluated = api.rules(new OwnFiles(rulesDir, ".yml"));
        synchronized (lock) {
          tracker.observedRules(evaluated);
        }
      }
      if (failing) {
        log.info("[observe] {}: Prometheus' API answers again", node);
        failing = false;
      }
    } catch (IOException | RuntimeException e) {
      // whatever went wrong, pending stays pending and the next poll comes as planned
      metrics.observeFailed();
      if (!failing) {
        log.warn(
            "[observe] {}: cannot tell what Prometheus scraped (retrying, pending stays pending):"
                + " {}",
            node,
            describe(e));
        failing = true;
      } else {
        log.debug("[observe] {}: still failing: {}", node, describe(e));
      }
    }
    boolean more;
    synchronized (lock) {
      pending();
      more = tracker.awaitsAnything();
      log.debug(
          "[observe] {}: {} targets unscraped, {} rule groups unevaluated ({} ms)",
          node,
          tracker.unscrapedCount(),
          tracker.unevaluatedCount(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
    maybeNotify();
    if (more && (poll == null || poll.isDone())) {
      reads++;
      delay = pacing.after(reads, delay);
      schedulePoll(delay);
    }
  }

  private void readTargets() throws IOException {
    Instant started = clock.instant();
    Map<String, Map<String, Instant>> seen =
        api.targets(
            targetFiles(),
            (job, address) -> {
              synchronized (lock) {
                return tracker.awaits(job, address);
              }
            });
    Map<String, Integer> absent;
    synchronized (lock) {
      tracker.observedTargets(seen);
      absent = tracker.absentSince(seen, started.minus(ABSENT_WARN));
    }
    absent.forEach(
        (job, n) -> {
          if (absentSaid.add(job)) {
            log.warn(
                "[observe] {}: {} targets added to {} more than {} s ago are not among"
                    + " Prometheus' targets ({}): is that file in a file_sd_configs entry, under"
                    + " this path?",
                node,
                n,
                targetFiles().file(job),
                ABSENT_WARN.toSeconds(),
                api.targetsUrl());
          }
        });
    absentSaid.retainAll(absent.keySet());
  }

  /**
   * Calls {@code onChange} when the apply loop's last status differs from what is pending now, at
   * most once per {@link #NOTIFY_EVERY}.
   */
  private void maybeNotify() {
    synchronized (lock) {
      if (tracker.observed().equals(reported)) {
        return;
      }
    }
    long since = System.nanoTime() - notifiedNanos;
    if (since >= NOTIFY_EVERY.toNanos()) {
      notifiedNanos = System.nanoTime();
      onChange.run();
    } else if (notify == null || notify.isDone()) {
      notify = thread.schedule(this::maybeNotify, NOTIFY_EVERY.minusNanos(since));
    }
  }

  /** The target files: in file_sd_dir, or in scrape_config_dir for jobs with scrape settings. */
  private OwnFiles targetFiles() {
    return new OwnFiles(List.of(fileSdDir, scrapeConfigDir), ".json");
  }

  private static String describe(Exception e) {
    return e instanceof IOException && e.getMessage() != null ? e.getMessage() : e.toString();
  }
}

package io.promeshard.agent.apply;

import io.promeshard.agent.config.ReloadOn;
import io.promeshard.agent.config.Tuning;
import io.promeshard.agent.render.OutputKind;
import io.promeshard.agent.watch.Snapshot;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.lifecycle.TaskThread;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies snapshots on one thread ("agent-apply"), latest first: target files of a complete share
 * are written at once; rule files and the reload they need wait until no rule change came for
 * {@code debounce} (at most 10 × debounce), so a burst of generations costs one reload. Incomplete,
 * empty and malformed snapshots change no file. When Prometheus rejects the rules, the applier
 * rolls them back; then the offending rules are singled out ({@link RuleSifter}), the rest is
 * applied, and the rejected ones are reported by name until the share changes them. Rules that
 * cannot be singled out stay rolled back, reported, and are retried with backoff. Failures that say
 * nothing about the share — an output directory that cannot be written, a Prometheus that does not
 * answer the reload, a reload owed after target changes — keep the files in place and retry the
 * latest share by themselves ({@link ApplyRetry}), without waiting for a new generation. Errors
 * never stop the loop. An {@link ApplyObserver}, when given, hears of every apply and reload and
 * adds to each status what Prometheus has not done yet.
 */
public final class ApplyLoop implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);
  private static final int MAX_DEBOUNCE_FACTOR = 10;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);
  private static final Duration SIFT_CHECK_TIMEOUT = Duration.ofSeconds(30);

  private final String node;
  private final Applier applier;
  private final Reloader reloader;
  private final ReloadOn reloadOn;
  private final Duration debounce;
  private final StatusSink statusWriter;
  private final ApplyMetrics metrics;
  private final Tuning tuning;
  private final TaskThread thread;
  private final AtomicReference<Snapshot> next = new AtomicReference<>();
  private final ApplyStatus book;
  private final ApplyObserver observer;

  // confined to the apply thread
  private Snapshot.Complete latest;

  /**
   * Rule groups with their intervals as installed (targets empty), or null before the first full
   * apply.
   */
  private NodeShare installedRules;

  private NodeShare rejectedRules;

  /** Rules of a share applied without {@link #siftedOut}, which Prometheus rejected; or null. */
  private NodeShare siftedFrom;

  private List<NodeStatus.RejectedRule> siftedOut = List.of();
  private ScrapeSupport support = ScrapeSupport.UNKNOWN;

  /** The jobs of the last share applied without error. */
  private Set<String> appliedJobs = Set.of();

  private final RuleSifter sifter;
  private int rejections;
  private boolean reloadPending;
  private long pendingSinceNanos;
  private TaskThread.Handle pendingRules;
  private TaskThread.Handle retryRules;
  private TaskThread.Handle retryStatus;
  private TaskThread.Handle versionRecheck;
  private final ApplyRetry retry;

  /**
   * {@code reloader} null: never reload; {@code statusWriter} null: no status in KV (dry runs,
   * tests); {@code observer} null: nothing observed (the status has no "observed" field).
   */
  public ApplyLoop(
      String node,
      Applier applier,
      Reloader reloader,
      ReloadOn reloadOn,
      Duration debounce,
      ApplyStatus book,
      StatusSink statusWriter,
      ApplyMetrics metrics,
      Tuning tuning,
      ApplyObserver observer) {
    this.node = node;
    this.applier = Objects.requireNonNull(applier, "applier");
    this.reloader = reloadOn == ReloadOn.NEVER ? null : reloader;
    this.reloadOn = Objects.requireNonNull(reloadOn, "reloadOn");
    this.debounce = Objects.requireNonNull(debounce, "debounce");
    this.statusWriter = statusWriter;
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.tuning = Objects.requireNonNull(tuning, "tuning");
    this.book = Objects.requireNonNull(book, "book");
    this.observer = observer;
    OutputConfig out = applier.config();
    this.sifter =
        new RuleSifter(
            out.promtool(),
            out.ruleCheck() == null ? SIFT_CHECK_TIMEOUT : out.ruleCheck().timeout(),
            (share, group) -> applier.renderRules(share, group).bytes());
    this.thread =
        new TaskThread(
            "agent-apply",
            CLOSE_WAIT,
            e -> {
              log.error("[apply] {}: unexpected failure, keeping current files", node, e);
              book.applyError("internal error: " + e);
              report();
            });
    this.retry = new ApplyRetry(node, thread, tuning.outputRetry(), metrics, this::retryLatest);
  }

  /**
   * Starts the apply thread ("agent-apply"); IllegalStateException when started twice or after
   * close.
   */
  public ApplyLoop start() {
    thread.start();
    return this;
  }

  /** Hands over a snapshot from any thread; only the newest waiting one is applied. */
  public void offer(Snapshot snapshot) {
    if (next.getAndSet(Objects.requireNonNull(snapshot, "snapshot")) == null) {
      thread.execute(this::drain);
    }
  }

  /**
   * Writes the status again, changed or not: Consul is back and may have lost it (a -dev or rebuilt
   * cluster).
   */
  public void rewriteStatus() {
    thread.execute(
        () -> {
          if (statusWriter != null) {
            statusWriter.forget();
          }
          report();
        });
  }

  /**
   * Composes and writes the status again, on the apply thread: the observer has seen Prometheus
   * catch up.
   */
  public void observationChanged() {
    thread.execute(this::report);
  }

  /** The status as last composed (also what {@code status/<node>} holds once written). */
  public NodeStatus status() {
    return book.current();
  }

  /** What the loop is retrying by itself now (empty: nothing); any thread. */
  public List<Stall> stalls() {
    return retry.stalls();
  }

  /**
   * Lets the apply in progress finish (files are never left half-applied), drops pending work,
   * stops the thread.
   */
  @Override
  public void close() {
    thread.close();
  }

  private void drain() {
    Snapshot s = next.getAndSet(null);
    if (s == null) {
      return;
    }
    if (s instanceof Snapshot.NoManifest) {
      metrics.snapshot("no_manifest");
      book.noManifest(log);
    } else if (s instanceof Snapshot.Incomplete inc) {
      metrics.snapshot("incomplete");
      book.incomplete(log, inc);
    } else if (s instanceof Snapshot.Malformed bad) {
      metrics.snapshot("malformed");
      book.malformed(log, bad.error());
      report();
    } else if (s instanceof Snapshot.TooLarge big) {
      metrics.snapshot("too_large");
      book.tooLarge(log, big.error());
      report();
    } else if (s instanceof Snapshot.Complete c) {
      metrics.snapshot("complete");
      book.complete();
      onComplete(c);
      report();
    }
  }

  /** Applies the latest share again after a failure that passes by itself. */
  private void retryLatest() {
    if (latest != null) {
      log.info("[apply] {}: retrying generation {}", node, latest.generation());
      onComplete(latest);
      report();
    }
  }

  private void onComplete(Snapshot.Complete c) {
    latest = c;
    if (installedRules == null || debounce.isZero() || reloadOn == ReloadOn.NEVER) {
      cancel(pendingRules);
      applyFull();
      return;
    }
    boolean scrapeChanged = !c.share().scrape().equals(installedRules.scrape());
    if (scrapeChanged && !rulesOf(c.share()).equals(rejectedRules)) {
      // scrape settings changed: the job's target files move with its scrape config, in one
      // debounced transaction
      scheduleRules();
      return;
    }
    // rule files and scrape configs stay as installed; only target files follow the new share now
    NodeShare targetsOnly =
        new NodeShare(
            scrapeChanged ? withoutNewScrapedJobs(c.share()) : c.share().targets(),
            installedRules.rules(),
            installedRules.intervals(),
            installedRules.scrape());
    OutputPlan targetsPlan = plan(targetsOnly);
    if (targetsPlan == null) {
      return;
    }
    if (targetsPlan.scrapeConfigsChange()) {
      // the Prometheus version changed what can be written: that needs the reload
      scheduleRules();
      return;
    }
    ApplyResult r = applyPlan(targetsOnly, targetsPlan, null);
    if (r == null) {
      return;
    }
    reloadPending |= reloadOn == ReloadOn.ALWAYS && r.changed();
    NodeShare wanted = rulesOf(c.share());
    boolean rulesWanted =
        !wanted.equals(installedRules)
            && !wanted.equals(rejectedRules)
            && !wanted.equals(siftedFrom);
    if (rulesWanted || reloadPending) {
      scheduleRules();
    } else {
      cancel(pendingRules);
      if (wanted.equals(installedRules) || wanted.equals(siftedFrom)) {
        appliedAll(c, r);
      }
    }
  }

  private void scheduleRules() {
    long now = System.nanoTime();
    if (pendingRules == null || pendingRules.isDone()) {
      pendingSinceNanos = now;
    } else {
      pendingRules.cancel();
    }
    long deadline = pendingSinceNanos + debounce.toNanos() * MAX_DEBOUNCE_FACTOR;
    long at = Math.min(now + debounce.toNanos(), deadline);
    log.debug(
        "[apply] {}: rule change of generation {} waits {} ms (debounce)",
        node,
        latest.generation(),
        TimeUnit.NANOSECONDS.toMillis(at - now));
    pendingRules =
        thread.schedule(
            () -> {
              pendingRules = null;
              applyFull();
              report();
            },
            Duration.ofNanos(at - now));
  }

  /** Applies the whole latest share, rules and reload included. */
  private void applyFull() {
    Snapshot.Complete c = latest;
    boolean knownBad = rulesOf(c.share()).equals(siftedFrom);
    NodeShare share = knownBad ? RuleSifter.without(c.share(), siftedOut) : c.share();
    OutputPlan plan = plan(share);
    if (plan == null) {
      return;
    }
    ApplyResult r = applyPlan(share, plan, reloader);
    if (r == null) {
      return; // file_sd_dir not writable: retried
    }
    if (passes(r)) {
      // no verdict on the rules: they stay as installed before, and the whole share is retried
      book.applyError(r.error());
      reloadPending |= r.reload() != null && !plan.needsReload();
      return;
    }
    retry.cleared(Stall.Reason.OUTPUT_UNWRITABLE);
    boolean rulesRejected =
        r.failure() == ApplyResult.Failure.REJECTED
            && plan.needsReload()
            && (r.rolledBack() || r.ruleChanges().isEmpty());
    // a rejected change of scrape configs is not sifted: the error names the jobs, and nothing of
    // it stays installed until the share changes or the retry passes
    if (rulesRejected && !knownBad && !plan.scrapeConfigsChange()) {
      Sifted sifted;
      try {
        sifted = sift(c);
      } catch (SiftInterrupted e) {
        book.applyError(e.getMessage());
        return;
      }
      if (sifted != null) {
        r = sifted.result();
        share = sifted.applied();
        rulesRejected = false;
      }
    } else if (!rulesRejected && !knownBad && siftedFrom != null) {
      log.info("[apply] {}: no rule is left out any more", node);
      siftedFrom = null;
      siftedOut = List.of();
      book.rejectedRules(List.of());
    }
    if (rulesRejected) {
      rejectedRules = rulesOf(c.share());
      rejections++;
      book.rulesError(r.error(), rejectedRules.rules());
      scheduleRulesRetry();
    } else {
      installedRules = rulesOf(share);
      rejectedRules = null;
      rejections = 0;
      book.rulesError(siftedFrom == null ? "" : leftOut(siftedOut), c.share().rules());
      book.applyError(r.error());
    }
    ReloadResult owed = null;
    if (reloadPending && r.reload() == null && reloader != null && !rulesRejected) {
      owed = reloader.reload();
      recordReload(owed);
    } else if (r.reload() != null && !plan.needsReload()) {
      owed = r.reload(); // the applier reloaded after target changes (reload_on: always)
    }
    reloadPending = owed != null && !owed.ok();
    if (reloadPending) {
      String error = "reload after target changes failed: " + owed.describe();
      book.applyError(error);
      if (!owed.unreachable()) {
        retry.failed(Stall.Reason.RELOAD_FAILED, error);
      }
    }
    if (!rulesRejected && book.applyErrorText().isEmpty()) {
      appliedAll(c, r);
    }
  }

  /** Whether {@code r} failed for a reason that passes by itself (and is retried as it is). */
  private static boolean passes(ApplyResult r) {
    return r.failure() == ApplyResult.Failure.UNWRITABLE
        || r.failure() == ApplyResult.Failure.UNREACHABLE;
  }

  /** Every file of {@code c} is in place and no reload is owed. */
  private void appliedAll(Snapshot.Complete c, ApplyResult r) {
    book.applied(log, c, r);
    metrics.applied(c.generation(), Instant.now());
    retry.clearedAll();
  }

  /**
   * A trial apply of the sifting failed for a reason that says nothing about the rules; the sifting
   * stops and the share is retried later.
   */
  private static final class SiftInterrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SiftInterrupted(String message) {
      super(message);
    }
  }

  /** The apply of a share without its rejected rules, and that share. */
  private record Sifted(ApplyResult result, NodeShare applied) {}

  /**
   * Singles out the rules of {@code c} that Prometheus rejects and applies the rest; null when no
   * rule could be singled out or the rest did not load either (the installed rules are then put
   * back).
   */
  private Sifted sift(Snapshot.Complete c) {
    List<NodeStatus.RejectedRule> bad;
    try {
      bad = sifter.find(c.share(), this::trial);
    } catch (SiftInterrupted e) {
      log.warn(
          "[apply] {}: singling out rejected rules of generation {} stopped: {}",
          node,
          c.generation(),
          e.getMessage());
      putBackInstalled(c);
      throw e;
    }
    if (!bad.isEmpty()) {
      NodeShare rest = RuleSifter.without(c.share(), bad);
      OutputPlan plan = plan(rest);
      ApplyResult r = plan == null ? null : applyPlan(rest, plan, reloader);
      if (r != null && r.ok()) {
        log.warn(
            "[apply] {}: generation {} applied without {} rules Prometheus rejects ({} trial "
                + "applies): {}",
            node,
            c.generation(),
            bad.size(),
            sifter.trials(),
            leftOut(bad));
        siftedFrom = rulesOf(c.share());
        siftedOut = List.copyOf(bad);
        book.rejectedRules(siftedOut);
        return new Sifted(r, rest);
      }
    }
    log.warn(
        "[apply] {}: could not single out the rejected rules of generation {}",
        node,
        c.generation());
    putBackInstalled(c);
    return null;
  }

  /** Trials may have left a part of the rules installed: puts back what was loaded before. */
  private void putBackInstalled(Snapshot.Complete c) {
    if (installedRules != null) {
      NodeShare installed =
          new NodeShare(
              c.share().targets(),
              installedRules.rules(),
              installedRules.intervals(),
              installedRules.scrape());
      OutputPlan plan = plan(installed);
      if (plan != null) {
        applyPlan(installed, plan, reloader);
      }
    }
  }

  /**
   * Installs and loads {@code share}; true when Prometheus took it, false when it rejected it.
   * SiftInterrupted when the trial could not be written or Prometheus did not answer.
   */
  private boolean trial(NodeShare share) {
    OutputPlan plan = plan(share);
    if (plan == null) {
      return false;
    }
    ApplyResult r = applyPlan(share, plan, reloader);
    if (r == null || passes(r)) {
      throw new SiftInterrupted(r == null ? book.applyErrorText() : r.error());
    }
    return r.ok();
  }

  private static String leftOut(List<NodeStatus.RejectedRule> rules) {
    StringBuilder s = new StringBuilder();
    s.append(rules.size()).append(" rules rejected by Prometheus and left out:");
    rules.forEach(r -> s.append(' ').append(r.group()).append('/').append(r.record()));
    return s.toString();
  }

  private void scheduleRulesRetry() {
    cancel(retryRules);
    Duration delay = tuning.rulesRetry().delay(rejections);
    log.warn(
        "[apply] {}: rules of generation {} rejected ({} in a row); retrying in {} s unless they change",
        node,
        latest.generation(),
        rejections,
        delay.toSeconds());
    NodeShare rejected = rejectedRules;
    retryRules =
        thread.schedule(
            () -> {
              if (latest != null
                  && rulesOf(latest.share()).equals(rejected)
                  && rejected.equals(rejectedRules)) {
                applyFull();
                report();
              }
            },
            delay);
  }

  private OutputPlan plan(NodeShare share) {
    try {
      return applier.plan(share);
    } catch (ApplyException | RuntimeException e) {
      failed("rendering", e);
      return null;
    }
  }

  /** Applies {@code plan}, the plan of {@code share}. */
  private ApplyResult applyPlan(NodeShare share, OutputPlan plan, Reloader withReloader) {
    ApplyResult r;
    long began = System.nanoTime();
    try {
      r = applier.apply(plan, withReloader);
    } catch (ApplyException | RuntimeException e) {
      failed("writing files", e);
      retry.failed(Stall.Reason.OUTPUT_UNWRITABLE, e.getMessage());
      return null;
    } finally {
      metrics.applyTook((System.nanoTime() - began) / 1e9);
    }
    if (observer != null) {
      // jobs this Prometheus cannot scrape (scrape settings before 2.43) are not waited for: like
      // targets dropped by relabeling, no scrape of them will ever come from here
      Map<String, List<TargetGroup>> written = new TreeMap<>(share.targets());
      written.keySet().removeAll(plan.support().unsupportedJobs());
      observer.targetsWritten(written);
      if (r.reload() != null && r.reload().ok() && !r.rolledBack()) {
        observer.rulesLoaded(share.rules());
      }
    }
    metrics.filesWritten("targets", r.targetChanges().size());
    metrics.filesWritten("rules", count(r.ruleChanges(), OutputKind.RULES));
    metrics.filesWritten("scrape_configs", count(r.ruleChanges(), OutputKind.SCRAPE_CONFIG));
    support(plan.support());
    if (r.reload() != null) {
      recordReload(r.reload());
    }
    book.files(r.files());
    book.applyError("");
    if (r.ok()) {
      appliedJobs = Set.copyOf(share.targets().keySet());
    }
    if (r.failure() == ApplyResult.Failure.UNWRITABLE) {
      retry.failed(Stall.Reason.OUTPUT_UNWRITABLE, r.error());
    }
    return r;
  }

  private static int count(List<FileChange> changes, OutputKind kind) {
    return (int) changes.stream().filter(f -> f.kind() == kind).count();
  }

  /** Reports what Prometheus cannot take; warns once each time that changes. */
  private void support(ScrapeSupport now) {
    if (!now.unsupportedJobs().equals(support.unsupportedJobs())) {
      now.limit().ifPresent(limit -> log.warn("[apply] {}: {}", node, limit));
      if (now.limit().isEmpty()) {
        log.info("[apply] {}: every job's scrape settings are applied again", node);
      }
    }
    support = now;
    cancel(versionRecheck);
    if (!now.unsupportedJobs().isEmpty()) {
      // an upgraded Prometheus takes the left-out jobs without waiting for a new share
      versionRecheck =
          thread.schedule(
              () -> {
                if (latest != null) {
                  applyFull();
                  report();
                }
              },
              PrometheusBuild.MAX_AGE);
    }
    book.prometheus(now.info());
    metrics.jobsUnsupported(now.unsupportedJobs().size());
  }

  private void failed(String what, Exception e) {
    log.error(
        "[apply] {}: {} generation {} failed, keeping current files: {}",
        node,
        what,
        latest == null ? "?" : latest.generation(),
        e.getMessage());
    book.applyError(what + " failed: " + e.getMessage());
  }

  private void recordReload(ReloadResult rr) {
    metrics.reload(rr);
    book.reload(rr);
    if (rr.unreachable()) {
      retry.failed(Stall.Reason.PROMETHEUS_UNREACHABLE, rr.message());
    } else {
      retry.cleared(Stall.Reason.PROMETHEUS_UNREACHABLE);
      if (rr.ok()) {
        retry.cleared(Stall.Reason.RELOAD_FAILED);
      }
    }
  }

  private void report() {
    if (observer != null) {
      book.observed(observer.observed());
    }
    NodeStatus s = book.compose(latest == null ? null : latest.share().rules());
    if (statusWriter == null || statusWriter.write(s)) {
      return;
    }
    if (retryStatus == null || retryStatus.isDone()) {
      retryStatus =
          thread.schedule(
              () -> {
                retryStatus = null;
                report();
              },
              tuning.statusRetry());
    }
  }

  /**
   * The targets of {@code share} without the jobs new to this node whose scrape settings Prometheus
   * rejected: with the installed settings they would land in file_sd_dir and be scraped as plain
   * jobs (a blackbox job's targets scraped directly). Jobs applied before keep their place.
   */
  private Map<String, List<TargetGroup>> withoutNewScrapedJobs(NodeShare share) {
    Map<String, List<TargetGroup>> out = new TreeMap<>(share.targets());
    out.keySet()
        .removeIf(
            job ->
                share.scrape().containsKey(job)
                    && !installedRules.scrape().containsKey(job)
                    && !appliedJobs.contains(job));
    return out;
  }

  /**
   * The part of a share Prometheus reads on reload: rule groups and their intervals, and the jobs'
   * scrape settings; no targets.
   */
  private static NodeShare rulesOf(NodeShare share) {
    return new NodeShare(Map.of(), share.rules(), share.intervals(), share.scrape());
  }

  private static void cancel(TaskThread.Handle f) {
    if (f != null) {
      f.cancel();
    }
  }
}

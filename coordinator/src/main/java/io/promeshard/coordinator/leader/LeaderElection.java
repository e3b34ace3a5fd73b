package io.promeshard.coordinator.leader;

import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.consul.BlockingWatch;
import io.promeshard.protocol.consul.CallHandle;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulReachability;
import io.promeshard.protocol.consul.ConsulResponse;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.Fetcher;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.SessionClient;
import io.promeshard.protocol.consul.WatchListener;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Competes for the Consul session lock on {@code leader}: holds a session (renewed every
 * renew_interval), watches the key with blocking queries (a {@link BlockingWatch} whose fetch also
 * renews the session and acts on each reply), locks it when free (after lock-delay) while writing
 * the next epoch in the same transaction, and reports the term and its end to a {@link
 * LeaderListener}. A lost term (session gone, key taken, no renewal for a TTL) is reported at once;
 * Consul errors are retried by the watch with backoff. {@link #close()} releases the lock and
 * destroys the session.
 */
public final class LeaderElection implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);
  private static final Duration MIN_WAIT = Duration.ofMillis(10);
  private static final Duration BACKOFF_BASE = Duration.ofMillis(250);

  private final KvClient kv;
  private final SessionClient sessions;
  private final String key;
  private final LeaderOptions options;
  private final LeaderListener listener;
  private final Clock clock;
  private final BlockingWatch<Optional<KvEntry>> watch;
  private final AtomicLong renewals = new AtomicLong();
  private final ConsulReachability reachability;
  private volatile LeaderTerm term;

  // Owned by the watch thread (and by close() after closing the watch).
  private String session;
  private byte[] heldValue;
  private long highestEpoch;
  private long lastRenewNanos;
  private long renewDueNanos;
  private long retryAcquireNanos;
  private String seenHolderSession;

  // The session of a term lost while Consul was unreachable, not destroyed yet. Destroyed as soon
  // as
  // Consul answers: otherwise it keeps the lock until Consul expires it, which a restarted Consul
  // does only 2 TTL after it is back, and no coordinator leads meanwhile.
  private String orphanedSession;

  public LeaderElection(
      ConsulHttp consul, KvLayout layout, LeaderOptions options, LeaderListener listener) {
    this(consul, layout, options, listener, Clock.systemUTC());
  }

  public LeaderElection(
      ConsulHttp consul,
      KvLayout layout,
      LeaderOptions options,
      LeaderListener listener,
      Clock clock) {
    this.kv = new KvClient(Objects.requireNonNull(consul, "consul"));
    this.reachability = consul.reachability();
    this.sessions = new SessionClient(consul);
    this.key = Objects.requireNonNull(layout, "layout").leader();
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    // no pacing: the fetch waits for the next renewal itself; retries back off up to half a renewal
    WatchOptions timing =
        WatchOptions.defaults()
            .withPacing(Duration.ZERO, Duration.ZERO)
            .withRetry(
                RetryPolicy.fullJitter(
                    BACKOFF_BASE, options.renewInterval().dividedBy(2).plus(BACKOFF_BASE)));
    this.watch =
        new BlockingWatch<>(
            "leader-" + options.holder(),
            new Round(),
            new WatchListener<>() {
              @Override
              public void onChange(Optional<KvEntry> value, long index) {
                // each reply was already acted on by the fetch (see Round)
              }

              @Override
              public void onError(Exception error, int attempt, Duration retryIn) {
                checkRenewalDeadline(error);
              }
            },
            timing);
  }

  /** Starts the election thread; IllegalStateException when started twice or after close. */
  public LeaderElection start() {
    watch.start();
    return this;
  }

  public boolean isLeader() {
    return term != null;
  }

  /** The current term while leader. */
  public Optional<LeaderTerm> term() {
    return Optional.ofNullable(term);
  }

  /** Successful session renewals so far (for status and tests). */
  public long renewals() {
    return renewals.get();
  }

  public String key() {
    return key;
  }

  /**
   * Stops competing; when leader, reports onLost("closed"), releases the lock and destroys the
   * session.
   */
  @Override
  public void close() {
    if (!stopLoop()) {
      return;
    }
    LeaderTerm t = term;
    if (t != null) {
      term = null;
      log.info("[leader] releasing {} epoch {}: closing", key, t.epoch());
      notifyListener(() -> listener.onLost("closed"));
      try {
        sessions.release(key, heldValue, t.sessionId());
      } catch (IOException e) {
        log.warn(
            "[leader] {}: release failed, the lock frees when session {} expires: {}",
            key,
            t.sessionId(),
            e.toString());
      }
    }
    destroyQuietly(session);
    session = null;
    destroyQuietly(orphanedSession);
    orphanedSession = null;
  }

  /** Stops like a killed process: no release, no destroy, no callback. For tests of takeover. */
  void crash() {
    stopLoop();
  }

  /** Closes the watch (cancelling its read, joining its thread); false when it was not running. */
  private boolean stopLoop() {
    boolean wasRunning = watch.isRunning();
    watch.close();
    return wasRunning;
  }

  /**
   * One round of the election: session upkeep, one (blocking) read of the key, and acting on it.
   */
  private final class Round implements Fetcher<Optional<KvEntry>> {
    private final CallHandle handle = new CallHandle();

    @Override
    public ConsulResponse<Optional<KvEntry>> fetch(long index, Duration ignored)
        throws IOException {
      destroyOrphanedSession();
      ensureSession();
      renewIfDue();
      ensureSession(); // the renewal may have dropped a dead session
      ConsulResponse<List<KvEntry>> reply = kv.list(key, index, waitTime(), handle);
      Optional<KvEntry> entry = reply.value().stream().filter(e -> e.key().equals(key)).findFirst();
      boolean wentBack = index > 0 && Math.max(reply.index(), 1) < index;
      if (watch.isRunning() && !wentBack) {
        evaluate(entry);
      }
      return new ConsulResponse<>(entry, reply.index());
    }

    @Override
    public void cancel() {
      handle.cancel();
    }

    @Override
    public ConsulReachability reachability() {
      return reachability;
    }
  }

  private void destroyOrphanedSession() throws IOException {
    if (orphanedSession == null) {
      return;
    }
    sessions.destroy(orphanedSession);
    log.info(
        "[leader] {}: destroyed session {} of the lost term now that Consul answers; its lock"
            + " frees after lock-delay",
        key,
        orphanedSession);
    orphanedSession = null;
  }

  private void ensureSession() throws IOException {
    if (session != null) {
      return;
    }
    session =
        sessions.create(
            "prome-shard-coordinator " + options.holder(), options.ttl(), options.lockDelay());
    lastRenewNanos = System.nanoTime();
    renewDueNanos = lastRenewNanos + options.renewInterval().toNanos();
    log.debug("[leader] {}: created session {}", key, session);
  }

  private void renewIfDue() throws IOException {
    long now = System.nanoTime();
    if (now - renewDueNanos < 0) {
      return;
    }
    if (sessions.renew(session)) {
      lastRenewNanos = now;
      renewDueNanos = now + options.renewInterval().toNanos();
      renewals.incrementAndGet();
      log.debug("[leader] {}: renewed session {}", key, session);
      return;
    }
    if (term != null) {
      lose("session " + session + " expired or was destroyed (renew: 404)");
    } else {
      log.info("[leader] {}: standby session {} is gone; creating a new one", key, session);
      session = null;
    }
  }

  /** Block until the next renewal or acquire retry is due, whichever comes first. */
  private Duration waitTime() {
    long now = System.nanoTime();
    long until = renewDueNanos - now;
    if (term == null && retryAcquireNanos != 0) {
      until = Math.min(until, retryAcquireNanos - now);
    }
    return Duration.ofNanos(Math.max(until, MIN_WAIT.toNanos()));
  }

  private void evaluate(Optional<KvEntry> entry) throws IOException {
    String holderSession = entry.map(KvEntry::session).orElse(null);
    LeaderTerm t = term;
    if (t != null) {
      if (!t.sessionId().equals(holderSession)) {
        lose(
            holderSession == null
                ? "leader key released or deleted"
                : "leader key taken by session " + holderSession);
      }
      return;
    }
    if (holderSession == null) {
      if (retryAcquireNanos == 0 || System.nanoTime() - retryAcquireNanos >= 0) {
        tryAcquire(entry);
      }
    } else if (holderSession.equals(session)) {
      elect(epochIn(entry.get()), entry.get().value(), " (confirmed after a lost reply)");
    } else if (!holderSession.equals(seenHolderSession)) {
      seenHolderSession = holderSession;
      log.info(
          "[leader] {} held by {} (session {}); standing by",
          key,
          describe(entry.get()),
          holderSession);
    }
  }

  private void tryAcquire(Optional<KvEntry> entry) throws IOException {
    long epoch = Math.max(entry.map(this::epochIn).orElse(0L), highestEpoch) + 1;
    byte[] value = new LeaderValue(options.holder(), epoch, clock.instant().toString()).encode();
    if (sessions.lock(key, value, session, entry.map(KvEntry::modifyIndex).orElse(0L))) {
      elect(epoch, value, "");
      return;
    }
    // Refused while free: lock-delay, a lost race, or our session died; retry soon and check the
    // session.
    long now = System.nanoTime();
    retryAcquireNanos = now + options.acquireRetry().toNanos();
    renewDueNanos = Math.min(renewDueNanos, now);
    log.debug(
        "[leader] {}: lock refused for epoch {}; retry in {}", key, epoch, options.acquireRetry());
  }

  private void elect(long epoch, byte[] value, String how) {
    LeaderTerm t = new LeaderTerm(session, epoch, new Fence(key, session));
    highestEpoch = Math.max(highestEpoch, epoch);
    heldValue = value;
    retryAcquireNanos = 0;
    seenHolderSession = session;
    term = t;
    log.info(
        "[leader] acquired {} epoch {} as {} (session {}){}",
        key,
        epoch,
        options.holder(),
        session,
        how);
    notifyListener(() -> listener.onElected(t));
  }

  private void lose(String reason) {
    LeaderTerm t = term;
    term = null;
    heldValue = null;
    log.warn("[leader] lost {} epoch {}: {}", key, t.epoch(), reason);
    notifyListener(() -> listener.onLost(reason));
    // Each term gets a fresh session, so a deposed term's fence can never pass again.
    if (!destroyQuietly(session)) {
      orphanedSession = session;
      log.info("[leader] {}: will destroy session {} once Consul answers", key, session);
    }
    session = null;
  }

  private void checkRenewalDeadline(Exception cause) {
    if (term != null && System.nanoTime() - lastRenewNanos >= options.ttl().toNanos()) {
      lose("no successful session renewal for " + options.ttl() + " (" + cause + ")");
    }
  }

  private long epochIn(KvEntry e) {
    if (e.size() == 0) {
      return 0;
    }
    try {
      return LeaderValue.parse(key, e.value()).epoch();
    } catch (ProtocolException ex) {
      log.warn(
          "[leader] {}: previous value unreadable, epochs restart above {}: {}",
          key,
          highestEpoch,
          ex.getMessage());
      return 0;
    }
  }

  private String describe(KvEntry e) {
    try {
      LeaderValue v = LeaderValue.parse(key, e.value());
      return v.holder() + " epoch " + v.epoch();
    } catch (ProtocolException ex) {
      return "an unreadable value";
    }
  }

  /** Destroys session {@code id} (if any); false when Consul could not be asked. */
  private boolean destroyQuietly(String id) {
    if (id == null) {
      return true;
    }
    try {
      sessions.destroy(id);
      return true;
    } catch (IOException e) {
      log.warn(
          "[leader] {}: could not destroy session {} (it expires after its TTL): {}",
          key,
          id,
          e.toString());
      return false;
    }
  }

  private void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("[leader] {}: listener failed", key, e);
    }
  }
}

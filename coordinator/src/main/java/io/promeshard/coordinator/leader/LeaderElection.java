package io.promeshard.coordinator.leader;

import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.consul.CallHandle;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulResponse;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import io.promeshard.protocol.consul.WatchIndex;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Competes for the Consul session lock on {@code leader}: holds a session (renewed every
 * renew_interval), watches the key with blocking queries, locks it when free (after lock-delay) while
 * writing the next epoch in the same transaction, and reports the term and its end to a
 * {@link LeaderListener}. A lost term (session gone, key taken, no renewal for a TTL) is reported at
 * once; Consul errors are retried with backoff. {@link #close()} releases the lock and destroys the session.
 */
public final class LeaderElection implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);
  private static final long CLOSE_JOIN_MILLIS = 3000;
  private static final Duration MIN_WAIT = Duration.ofMillis(10);

  private enum State { NEW, RUNNING, CLOSED }

  private final KvClient kv;
  private final SessionApi sessions;
  private final String key;
  private final LeaderOptions options;
  private final LeaderListener listener;
  private final Clock clock;
  private final RetryPolicy retry;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final CallHandle handle = new CallHandle();
  private final AtomicLong renewals = new AtomicLong();
  private volatile LeaderTerm term;
  private volatile Thread thread;

  // Owned by the election thread (and by close() after joining it).
  private String session;
  private byte[] heldValue;
  private long highestEpoch;
  private long lastRenewNanos;
  private long renewDueNanos;
  private long retryAcquireNanos;
  private String seenHolderSession;

  public LeaderElection(ConsulHttp consul, KvLayout layout, LeaderOptions options, LeaderListener listener) {
    this(consul, layout, options, listener, Clock.systemUTC());
  }

  public LeaderElection(ConsulHttp consul, KvLayout layout, LeaderOptions options, LeaderListener listener,
      Clock clock) {
    this.kv = new KvClient(Objects.requireNonNull(consul, "consul"));
    this.sessions = new SessionApi(consul);
    this.key = Objects.requireNonNull(layout, "layout").leader();
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retry = RetryPolicy.fullJitter(Duration.ofMillis(250), options.renewInterval().dividedBy(2).plusMillis(250));
  }

  /** Starts the election thread; IllegalStateException when started twice or after close. */
  public LeaderElection start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("[leader] " + key + ": start() called twice or after close");
    }
    Thread t = new Thread(this::loop, "leader-" + options.holder());
    t.setDaemon(true);
    thread = t;
    t.start();
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

  /** Stops competing; when leader, reports onLost("closed"), releases the lock and destroys the session. */
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
        log.warn("[leader] {}: release failed, the lock frees when session {} expires: {}", key, t.sessionId(), e.toString());
      }
    }
    destroyQuietly(session);
    session = null;
  }

  /** Stops like a killed process: no release, no destroy, no callback. For tests of takeover. */
  void crash() {
    stopLoop();
  }

  /** Moves to CLOSED and joins the thread; false when it was not running. */
  private boolean stopLoop() {
    if (state.getAndSet(State.CLOSED) != State.RUNNING) {
      return false;
    }
    closeSignal.countDown();
    handle.cancel();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(CLOSE_JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        log.warn("[leader] {}: election thread still busy {} ms after close", key, CLOSE_JOIN_MILLIS);
      }
    }
    return true;
  }

  private boolean running() {
    return state.get() == State.RUNNING;
  }

  private void loop() {
    WatchIndex index = new WatchIndex();
    int failures = 0;
    while (running()) {
      try {
        ensureSession();
        renewIfDue();
        if (session == null) {
          continue;
        }
        ConsulResponse<List<KvEntry>> reply = kv.list(key, index.next(), waitTime(), handle);
        if (!running()) {
          break;
        }
        if (failures > 0) {
          log.info("[leader] {}: Consul answers again after {} failed attempt(s)", key, failures);
          failures = 0;
        }
        if (index.observe(reply.index()) == WatchIndex.Outcome.RESET) {
          continue;
        }
        evaluate(reply.value().stream().filter(e -> e.key().equals(key)).findFirst());
      } catch (IOException e) {
        if (!running()) {
          break;
        }
        index.reset();
        Duration delay = retry.delay(++failures);
        log.warn("[leader] {}: retry {} in {} ms: {}", key, failures, delay.toMillis(), e.toString());
        checkRenewalDeadline(e);
        pause(delay);
      }
    }
    log.debug("[leader] {}: election loop ended", key);
  }

  private void ensureSession() throws IOException {
    if (session != null) {
      return;
    }
    session = sessions.create("prome-shard-coordinator " + options.holder(), options.ttl(), options.lockDelay());
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
        lose(holderSession == null ? "leader key released or deleted" : "leader key taken by session " + holderSession);
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
      log.info("[leader] {} held by {} (session {}); standing by", key, describe(entry.get()), holderSession);
    }
  }

  private void tryAcquire(Optional<KvEntry> entry) throws IOException {
    long epoch = Math.max(entry.map(this::epochIn).orElse(0L), highestEpoch) + 1;
    byte[] value = new LeaderValue(options.holder(), epoch, clock.instant().toString()).encode();
    if (sessions.lock(key, value, session, entry.map(KvEntry::modifyIndex).orElse(0L))) {
      elect(epoch, value, "");
      return;
    }
    // Refused while free: lock-delay, a lost race, or our session died; retry soon and check the session.
    long now = System.nanoTime();
    retryAcquireNanos = now + options.acquireRetry().toNanos();
    renewDueNanos = Math.min(renewDueNanos, now);
    log.debug("[leader] {}: lock refused for epoch {}; retry in {}", key, epoch, options.acquireRetry());
  }

  private void elect(long epoch, byte[] value, String how) {
    LeaderTerm t = new LeaderTerm(session, epoch, new Fence(key, session));
    highestEpoch = Math.max(highestEpoch, epoch);
    heldValue = value;
    retryAcquireNanos = 0;
    seenHolderSession = session;
    term = t;
    log.info("[leader] acquired {} epoch {} as {} (session {}){}", key, epoch, options.holder(), session, how);
    notifyListener(() -> listener.onElected(t));
  }

  private void lose(String reason) {
    LeaderTerm t = term;
    term = null;
    heldValue = null;
    log.warn("[leader] lost {} epoch {}: {}", key, t.epoch(), reason);
    notifyListener(() -> listener.onLost(reason));
    // Each term gets a fresh session, so a deposed term's fence can never pass again.
    destroyQuietly(session);
    session = null;
  }

  private void checkRenewalDeadline(IOException cause) {
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
      log.warn("[leader] {}: previous value unreadable, epochs restart above {}: {}", key, highestEpoch, ex.getMessage());
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

  private void destroyQuietly(String id) {
    if (id == null) {
      return;
    }
    try {
      sessions.destroy(id);
    } catch (IOException e) {
      log.warn("[leader] {}: could not destroy session {} (it expires after its TTL): {}", key, id, e.toString());
    }
  }

  private void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("[leader] {}: listener failed", key, e);
    }
  }

  private void pause(Duration delay) {
    try {
      closeSignal.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state.set(State.CLOSED);
    }
  }
}

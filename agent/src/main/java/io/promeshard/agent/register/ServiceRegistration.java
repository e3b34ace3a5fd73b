package io.promeshard.agent.register;

import com.ecwid.consul.v1.agent.model.Service;
import io.promeshard.agent.status.AgentMetrics;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.consul.AgentServices;
import io.promeshard.protocol.lifecycle.TaskThread;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's Prometheus registered in the local Consul agent: registers at start, checks
 * every {@code recheck} (and when {@link #nudge()}d, e.g. after Consul came back) that the agent
 * still has the service as specified, and registers it again if not (a restarted agent forgets it).
 * The first successful registration also ends a maintenance mode left by an earlier {@code
 * --drain}. {@link #deregister()} and {@link #drain()} are for shutdown. Consul failures are logged
 * and retried, never thrown.
 *
 * <p>With {@link NameClaims}, the first registration waits for a check that no other live host has
 * registered the node name; if one has, this registration is refused for good (nothing registered,
 * nothing re-checked) and the {@link Listener} hears why. When Consul cannot say (e.g. the token
 * may not read agent/self), the agent registers anyway and warns.
 */
public final class ServiceRegistration implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRegistration.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);
  private static final String DRAIN_REASON = "prome-shard-agent stopped with --drain";

  private final AgentServices consul;
  private final ServiceSpec spec;
  private final Duration recheck;
  private final AgentMetrics metrics;
  private final TaskThread timer;

  /** Hears the outcome of the first registration, on the thread that made it. */
  public interface Listener {
    /** The node name is this host's: registered for the first time. */
    void registered();

    /** Another live host has the node name; nothing was or will be registered. */
    void refused(String message);
  }

  private static final Listener NOBODY =
      new Listener() {
        @Override
        public void registered() {}

        @Override
        public void refused(String message) {}
      };

  private final NameClaims claims;
  private final Listener listener;
  private boolean registeredOnce;
  private boolean failing;
  private boolean claimWarned;
  private boolean stopped;
  private volatile String refusal;

  public ServiceRegistration(
      AgentServices consul, ServiceSpec spec, Duration recheck, AgentMetrics metrics) {
    this(consul, spec, recheck, metrics, null, NOBODY);
  }

  /** A registration that first checks {@code claims} (null: no check). */
  public ServiceRegistration(
      AgentServices consul,
      ServiceSpec spec,
      Duration recheck,
      AgentMetrics metrics,
      NameClaims claims,
      Listener listener) {
    this.claims = claims;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.consul = Objects.requireNonNull(consul, "consul");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.recheck = Objects.requireNonNull(recheck, "recheck");
    this.metrics = metrics;
    this.timer =
        new TaskThread(
            "agent-register",
            STOP_WAIT,
            e -> log.error("[register] {}: registration check failed", spec.id(), e));
  }

  public ServiceSpec spec() {
    return spec;
  }

  /** Registers now (on the registration thread) and then re-checks every {@code recheck}. */
  public void start() {
    timer.start().execute(this::check);
  }

  /** One periodic check; the next is due {@code recheck} after this one ends. */
  private void check() {
    ensure();
    if (refusal == null) {
      timer.schedule(this::check, recheck);
    }
  }

  /** Why registration was refused (another live host has the node name), or null. */
  public String refusal() {
    return refusal;
  }

  /** Re-checks soon, e.g. after the watch reached Consul again. */
  public void nudge() {
    if (timer.isRunning()) {
      timer.execute(this::ensure);
    }
  }

  /**
   * Registers the service unless the agent already has it as specified; true when it is registered.
   */
  public synchronized boolean ensure() {
    if (refusal != null || stopped) {
      return false;
    }
    if (!registeredOnce && claims != null && !claimFree()) {
      return false;
    }
    try {
      Service current = consul.services().get(spec.id());
      if (!spec.matches(current)) {
        consul.register(spec.toNewService());
        log.info(
            "[register] {}: {} service {} port {} with check {}",
            spec.id(),
            current == null ? (registeredOnce ? "re-registered missing" : "registered") : "updated",
            spec.name(),
            spec.port(),
            spec.checkUrl());
      }
      if (!registeredOnce) {
        consul.maintenance(spec.id(), false, null);
        registeredOnce = true;
        listener.registered();
      }
      if (failing) {
        log.info("[register] {}: consul agent reachable again", spec.id());
        failing = false;
      }
      setRegistered(true);
      return true;
    } catch (IOException | RuntimeException e) {
      if (!failing) {
        log.warn(
            "[register] {}: cannot register with consul, retrying every {}: {}",
            spec.id(),
            Durations.format(recheck),
            e.getMessage());
      } else {
        log.debug("[register] {}: still failing: {}", spec.id(), e.getMessage());
      }
      failing = true;
      setRegistered(false);
      return false;
    }
  }

  /** False (and refused for good) when another live host has the name; warns when unknown. */
  private boolean claimFree() {
    NameClaims.Result result = claims.check();
    if (result instanceof NameClaims.Claimed c) {
      refusal = c.message();
      log.error("[register] {}: refusing to run: {}", spec.id(), c.message());
      setRegistered(false);
      listener.refused(c.message());
      return false;
    }
    if (result instanceof NameClaims.Unknown u && !claimWarned) {
      claimWarned = true;
      log.warn(
          "[register] {}: cannot check whether another host has registered this node name ({});"
              + " registering anyway",
          spec.id(),
          u.why());
    }
    return true;
  }

  /** Stops re-checking and removes the service, so the coordinator drops this node. */
  public void deregister() {
    close();
    if (!stop()) {
      return; // never registered: the name's registration belongs to the other host's agent
    }
    try {
      consul.deregister(spec.id());
      setRegistered(false);
      log.info("[register] {}: deregistered service {}", spec.id(), spec.name());
    } catch (IOException | RuntimeException e) {
      log.warn("[register] {}: deregistration failed: {}", spec.id(), e.getMessage());
    }
  }

  /**
   * Stops re-checking and puts the service in maintenance, so the coordinator moves its targets
   * away at once.
   */
  public void drain() {
    close();
    if (!stop()) {
      return;
    }
    try {
      consul.maintenance(spec.id(), true, DRAIN_REASON);
      log.info("[register] {}: service {} put in maintenance (drain)", spec.id(), spec.name());
    } catch (IOException | RuntimeException e) {
      log.warn("[register] {}: enabling maintenance failed: {}", spec.id(), e.getMessage());
    }
  }

  /**
   * Ends registering for good. Waits for an {@link #ensure()} in flight on another thread (e.g. the
   * first one, still running in the agent's start when SIGTERM comes), so that its "end
   * maintenance" cannot land after a drain's "enter maintenance". False when the registration was
   * refused.
   */
  private synchronized boolean stop() {
    stopped = true;
    return refusal == null;
  }

  /**
   * Stops re-checking, after a check in flight (so it cannot register again); leaves the
   * registration as it is.
   */
  @Override
  public void close() {
    timer.close();
  }

  private void setRegistered(boolean registered) {
    if (metrics != null) {
      metrics.registered(registered);
    }
  }
}

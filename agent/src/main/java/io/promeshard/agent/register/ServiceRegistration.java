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
  private boolean registeredOnce;
  private boolean failing;

  public ServiceRegistration(
      AgentServices consul, ServiceSpec spec, Duration recheck, AgentMetrics metrics) {
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
    timer.schedule(this::check, recheck);
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

  /** Stops re-checking and removes the service, so the coordinator drops this node. */
  public void deregister() {
    close();
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
    try {
      consul.maintenance(spec.id(), true, DRAIN_REASON);
      log.info("[register] {}: service {} put in maintenance (drain)", spec.id(), spec.name());
    } catch (IOException | RuntimeException e) {
      log.warn("[register] {}: enabling maintenance failed: {}", spec.id(), e.getMessage());
    }
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

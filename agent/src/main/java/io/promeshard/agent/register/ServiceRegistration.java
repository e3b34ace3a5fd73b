package io.promeshard.agent.register;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.agent.model.Service;
import io.promeshard.agent.status.AgentMetrics;
import io.promeshard.protocol.Durations;
import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's Prometheus registered in the local Consul agent: registers at start, checks every
 * {@code recheck} (and when {@link #nudge()}d, e.g. after Consul came back) that the agent still
 * has the service as specified, and registers it again if not (a restarted agent forgets it). The
 * first successful registration also ends a maintenance mode left by an earlier {@code --drain}.
 * {@link #deregister()} and {@link #drain()} are for shutdown. Consul failures are logged and retried,
 * never thrown.
 */
public final class ServiceRegistration implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ServiceRegistration.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);
  private static final String DRAIN_REASON = "prome-shard-agent stopped with --drain";

  private enum State { NEW, RUNNING, CLOSED }

  private final ConsulClient consul;
  private final ServiceSpec spec;
  private final Duration recheck;
  private final AgentMetrics metrics;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "agent-register");
    t.setDaemon(true);
    return t;
  });
  private boolean registeredOnce;
  private boolean failing;

  public ServiceRegistration(ConsulClient consul, ServiceSpec spec, Duration recheck, AgentMetrics metrics) {
    this.consul = Objects.requireNonNull(consul, "consul");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.recheck = Objects.requireNonNull(recheck, "recheck");
    this.metrics = metrics;
  }

  public ServiceSpec spec() {
    return spec;
  }

  /** Registers now (on the registration thread) and then re-checks every {@code recheck}. */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("[register] " + spec.id() + ": start() called twice or after close");
    }
    // ensure() catches and logs its own failures, and stopTimer() ends the schedule by shutting the
    // executor down: the handle has nothing to report and nothing to cancel.
    ScheduledFuture<?> unused =
        timer.scheduleWithFixedDelay(this::ensure, 0, recheck.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Re-checks soon, e.g. after the watch reached Consul again. */
  public void nudge() {
    if (state.get() == State.RUNNING) {
      timer.execute(this::ensure);
    }
  }

  /** Registers the service unless the agent already has it as specified; true when it is registered. */
  public synchronized boolean ensure() {
    try {
      Map<String, Service> services = consul.getAgentServices().getValue();
      Service current = services == null ? null : services.get(spec.id());
      if (!spec.matches(current)) {
        consul.agentServiceRegister(spec.toNewService());
        log.info("[register] {}: {} service {} port {} with check {}", spec.id(),
            current == null ? (registeredOnce ? "re-registered missing" : "registered") : "updated",
            spec.name(), spec.port(), spec.checkUrl());
      }
      if (!registeredOnce) {
        consul.agentServiceSetMaintenance(spec.id(), false);
        registeredOnce = true;
      }
      if (failing) {
        log.info("[register] {}: consul agent reachable again", spec.id());
        failing = false;
      }
      setRegistered(true);
      return true;
    } catch (RuntimeException e) {
      if (!failing) {
        log.warn("[register] {}: cannot register with consul, retrying every {}: {}", spec.id(),
            Durations.format(recheck), e.getMessage());
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
    stopTimer();
    try {
      consul.agentServiceDeregister(spec.id());
      setRegistered(false);
      log.info("[register] {}: deregistered service {}", spec.id(), spec.name());
    } catch (RuntimeException e) {
      log.warn("[register] {}: deregistration failed: {}", spec.id(), e.getMessage());
    }
  }

  /** Stops re-checking and puts the service in maintenance, so the coordinator moves its targets away at once. */
  public void drain() {
    stopTimer();
    try {
      consul.agentServiceSetMaintenance(spec.id(), true, DRAIN_REASON);
      log.info("[register] {}: service {} put in maintenance (drain)", spec.id(), spec.name());
    } catch (RuntimeException e) {
      log.warn("[register] {}: enabling maintenance failed: {}", spec.id(), e.getMessage());
    }
  }

  /** Stops re-checking; leaves the registration as it is. */
  @Override
  public void close() {
    state.set(State.CLOSED);
    timer.shutdownNow();
  }

  /** Closes and waits briefly for a check in flight, so it cannot register again after a shutdown call. */
  private void stopTimer() {
    close();
    try {
      if (!timer.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("[register] {}: a registration check is still running after {} s", spec.id(), STOP_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void setRegistered(boolean registered) {
    if (metrics != null) {
      metrics.registered(registered);
    }
  }
}

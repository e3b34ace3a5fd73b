package io.promeshard.agent.run;

import io.promeshard.agent.apply.Applier;
import io.promeshard.agent.apply.ApplyLoop;
import io.promeshard.agent.apply.OutputConfig;
import io.promeshard.agent.apply.PrometheusBuild;
import io.promeshard.agent.apply.Reloader;
import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.ReloadOn;
import io.promeshard.agent.config.Tuning;
import io.promeshard.agent.observe.Observer;
import io.promeshard.agent.observe.PrometheusApi;
import io.promeshard.agent.querylog.QueryReporter;
import io.promeshard.agent.register.NameClaims;
import io.promeshard.agent.register.ServiceRegistration;
import io.promeshard.agent.register.ServiceSpec;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.agent.samples.SampleReporter;
import io.promeshard.agent.status.AgentHealth;
import io.promeshard.agent.status.AgentMetrics;
import io.promeshard.agent.status.ConsulState;
import io.promeshard.agent.status.StatusBook;
import io.promeshard.agent.status.StatusWriter;
import io.promeshard.agent.watch.ManifestOrder;
import io.promeshard.agent.watch.ShareWatch;
import io.promeshard.agent.watch.Snapshot;
import io.promeshard.agent.watch.SnapshotListener;
import io.promeshard.agent.watch.SnapshotReader;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.cli.ConfigException;
import io.promeshard.protocol.consul.AgentServices;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.HealthClient;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.ops.OpsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: watches {@code nodes/<node>/}, applies complete shares through the apply loop,
 * writes {@code status/<node>}, serves {@code /metrics} and {@code /healthz}, and keeps the local
 * Prometheus registered in Consul. It observes its Prometheus ({@link Observer}): the status names
 * the targets of its files not scraped since they were added and, when the agent reloads ({@code
 * reload_on} not {@code never}), the rule groups not evaluated since a reload gave them records.
 * With {@code reload_on: never} the agent cannot tell when Prometheus loads its rules, so no group
 * is ever reported unevaluated. Unless {@code samples.enabled} is false it reports the samples per
 * scrape of its targets under {@code reports/<node>/samples} ({@link SampleReporter}). {@link
 * #start()} fails (templates, listen address, Consul settings, or its node name registered by
 * another live host) before anything runs; afterwards nothing stops it but {@link #close()} (or the
 * discovery, once Consul answers, that another live host has its node name: see {@link
 * #refusal()}), which deregisters the service or, in {@link StopMode#DRAIN}, puts it in
 * maintenance. Output files are always kept.
 */
public final class Agent implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final Duration RELOAD_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration API_TIMEOUT = Duration.ofSeconds(5);

  /** What {@link #close()} does to the Consul registration. */
  public enum StopMode {
    DEREGISTER,
    DRAIN
  }

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final AgentConfig config;
  private final Tuning tuning;
  private final StopMode stopMode;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ConsulState consulState = new ConsulState();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  // set in start(), read by close() on the shutdown hook's thread, which may run during start()
  private volatile AgentMetrics metrics;
  private volatile ConsulHttp http;
  private volatile Reloader reloader;
  private volatile PrometheusBuild build;
  private volatile ApplyLoop loop;
  private volatile Observer observer;
  private volatile QueryReporter queries;
  private volatile SampleReporter samples;
  private volatile OpsServer ops;
  private volatile ServiceRegistration registration;
  private volatile ShareWatch watch;
  private final Object gate = new Object();
  private boolean gateOpen; // guarded by gate
  private Snapshot held; // guarded by gate

  public Agent(AgentConfig config, Tuning tuning, StopMode stopMode) {
    this.config = Objects.requireNonNull(config, "config");
    this.tuning = Objects.requireNonNull(tuning, "tuning");
    this.stopMode = Objects.requireNonNull(stopMode, "stopMode");
  }

  /** Checks templates, binds the ops listener, then starts registration and the watch. */
  public Agent start() throws IOException {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException(
          "[agent] " + config.node() + ": start() called twice or after close");
    }
    try {
      Renderer renderer = new Renderer(Templates.directoryOrBundled(config.templatesDir()));
      renderer.check();
      http = ConsulHttp.create(config.consul());
      KvClient kv = new KvClient(http);
      metrics = new AgentMetrics(registry);
      metrics.consulUp(false);
      reloader =
          config.reloadOn() == ReloadOn.NEVER
              ? null
              : new Reloader(
                  config.reloadUrl().toString(), RELOAD_CONNECT_TIMEOUT, config.reloadTimeout());
      build = new PrometheusBuild(config.prometheusUrl().toString(), API_TIMEOUT);
      // shared with the sample reporter, which is closed first; the observer closes it
      PrometheusApi api = new PrometheusApi(config.prometheusUrl().toString(), API_TIMEOUT);
      observer =
          new Observer(
                  config.node(),
                  api,
                  config.fileSdDir(),
                  config.scrapeConfigDir(),
                  config.rulesDir(),
                  metrics,
                  () -> loop.observationChanged(),
                  Clock.systemUTC(),
                  Observer.Pacing.DEFAULT)
              .start();
      loop =
          new ApplyLoop(
                  config.node(),
                  new Applier(renderer, OutputConfig.from(config), build),
                  reloader,
                  config.reloadOn(),
                  config.debounce(),
                  new StatusBook(config.node()),
                  new StatusWriter(kv, config.layout(), config.node(), metrics),
                  metrics,
                  tuning,
                  observer)
              .start();
      if (config.queryLog() != null) {
        queries =
            new QueryReporter(
                    config.queryLog(),
                    kv,
                    config.layout(),
                    config.node(),
                    registry,
                    Clock.systemUTC())
                .start();
      }
      if (config.samples().enabled()) {
        List<Path> targetDirs = List.of(config.fileSdDir(), config.scrapeConfigDir());
        samples =
            new SampleReporter(
                    config.node(),
                    config.samples().interval(),
                    () -> api.targetSamples(targetDirs),
                    kv,
                    config.layout(),
                    this::appliedGeneration,
                    registry,
                    Clock.systemUTC())
                .start();
      }
      if (config.serveOps()) {
        ops =
            OpsServer.start(
                config.listen(),
                registry,
                new AgentHealth(consulState, loop::status, config.unhealthyAfter(), loop::stalls));
      }
      if (config.register()) {
        AgentServices services = new AgentServices(http);
        ServiceSpec spec = ServiceSpec.from(config);
        registration =
            new ServiceRegistration(
                services,
                spec,
                tuning.registrationCheck(),
                metrics,
                new NameClaims(services, new HealthClient(http), spec),
                new ServiceRegistration.Listener() {
                  @Override
                  public void registered() {
                    openGate();
                  }

                  @Override
                  public void refused(String message) {
                    Agent.this.refused(message);
                  }
                });
        // before the watch starts: a host whose name another live host has must apply nothing
        registration.ensure();
        if (registration.refusal() != null) {
          throw new ConfigException(registration.refusal());
        }
        registration.start();
      }
      watch =
          new ShareWatch(
                  kv,
                  new SnapshotReader(config.layout(), config.node()),
                  tuning.watch(),
                  listener())
              .start();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    log.info(
        "[agent] {}: watching {}{} at {}; file_sd {}, rules {}, scrape configs {}, templates {}",
        config.node(),
        config.prefix(),
        "nodes/" + config.node() + "/",
        config.consul().address(),
        config.fileSdDir(),
        config.rulesDir(),
        config.scrapeConfigDir(),
        config.templatesDir() == null ? "bundled" : config.templatesDir());
    return this;
  }

  private SnapshotListener listener() {
    ManifestOrder order = new ManifestOrder();
    return new SnapshotListener() {
      @Override
      public void onSnapshot(Snapshot snapshot, long index) {
        consulState.reached();
        metrics.consulUp(true);
        if (snapshot instanceof Snapshot.Complete complete) {
          order
              .see(complete.manifest())
              .ifPresent(
                  regression -> {
                    log.warn("[agent] {}: {}", config.node(), regression);
                    metrics.manifestRegression();
                  });
        }
        synchronized (gate) {
          if (registration != null && !gateOpen) {
            if (held == null) {
              log.info(
                  "[agent] {}: share held until this host has registered its node name",
                  config.node());
            }
            held = snapshot;
            return;
          }
          // under the gate's lock, so a share held until now can never be offered after this one
          loop.offer(snapshot);
        }
      }

      @Override
      public void onError(Exception error, int attempt, Duration retryIn) {
        consulState.failed(error);
        metrics.watchError();
        metrics.consulUp(false);
      }

      @Override
      public void onRecovered() {
        consulState.reached();
        metrics.consulUp(true);
        loop.rewriteStatus();
        if (registration != null) {
          registration.nudge();
        }
      }
    };
  }

  /**
   * The node name is this host's (first registration done): shares apply from now on, starting with
   * the one held meanwhile. Until then a host whose name another live host has might apply that
   * host's share, e.g. when Consul was unreachable at start.
   */
  private void openGate() {
    synchronized (gate) {
      gateOpen = true;
      if (held != null) {
        loop.offer(held); // offering never blocks: it only hands the share to the apply thread
        held = null;
      }
    }
  }

  /**
   * Another live host has this node name (found after start, when Consul was unreachable at start):
   * stops the agent; {@link #refusal()} says why.
   */
  private void refused(String message) {
    if (state.get() == State.RUNNING && watch != null) {
      log.error("[agent] {}: stopping: {}", config.node(), message);
      Thread stopper = new Thread(this::close, "agent-refused");
      stopper.start();
    }
  }

  /** Why the agent refused to run for its node name (another live host has it), or null. */
  public String refusal() {
    return registration == null ? null : registration.refusal();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** True while the watch loop runs. */
  public boolean isAlive() {
    return watch != null && watch.isAlive();
  }

  public NodeStatus status() {
    return loop == null ? null : loop.status();
  }

  /** The generation the apply loop has applied (0 before the first). */
  private long appliedGeneration() {
    ApplyLoop l = loop;
    NodeStatus s = l == null ? null : l.status();
    return s == null ? 0 : s.appliedGeneration();
  }

  public ConsulState consulState() {
    return consulState;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The bound port of /metrics and /healthz; IllegalStateException when not serving. */
  public int opsPort() {
    if (ops == null) {
      throw new IllegalStateException(
          "[agent] " + config.node() + ": not serving /metrics (listen is empty)");
    }
    return ops.port();
  }

  public AgentConfig config() {
    return config;
  }

  /** Stops as {@link StopMode} says; idempotent. The SIGTERM path. */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    log.info(
        "[agent] {}: stopping ({})",
        config.node(),
        stopMode == StopMode.DRAIN ? "drain" : "deregister");
    if (watch != null) {
      watch.close();
    }
    if (loop != null) {
      loop.close();
    }
    if (queries != null) {
      queries.close();
    }
    if (samples != null) {
      samples.close();
    }
    if (observer != null) {
      observer.close();
    }
    if (registration != null) {
      if (stopMode == StopMode.DRAIN) {
        registration.drain();
      } else {
        registration.deregister();
      }
    }
    if (ops != null) {
      ops.close();
    }
    if (reloader != null) {
      reloader.close();
    }
    if (build != null) {
      build.close();
    }
    if (http != null) {
      http.close();
    }
    stopped.countDown();
    log.info("[agent] {}: stopped; files kept", config.node());
  }
}

package io.promeshard.coordinator.run;

import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.leader.LeaderElection;
import io.promeshard.coordinator.leader.LeaderListener;
import io.promeshard.coordinator.leader.LeaderOptions;
import io.promeshard.coordinator.leader.LeaderTerm;
import io.promeshard.coordinator.membership.MembershipWatcher;
import io.promeshard.coordinator.publish.Publisher;
import io.promeshard.coordinator.source.DefaultSourceFactory;
import io.promeshard.coordinator.source.SourceManager;
import io.promeshard.coordinator.source.SourceSpec;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.KvWatch;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.protocol.consul.WatchListener;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.protocol.consul.BlockingWatch;
import io.promeshard.protocol.ops.Health;
import io.promeshard.protocol.ops.OpsServer;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the coordinator: Consul watches on {@code config/} and {@code records/}, the target
 * sources, the membership watch (started once {@code node_service} is known), the leader lock and
 * the ops server, all feeding one {@link Dispatcher}. Closing stops everything and releases the lock.
 */
public final class Coordinator implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  private enum State { NEW, STARTED, CLOSED }

  private static final Duration SOURCE_BURST = Duration.ofMillis(100);

  private final CoordinatorConfig config;
  private final Dispatcher.Mode mode;
  private final Consumer<Dispatcher.DispatchReport> reports;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final List<Closeable> closeables = new ArrayList<>();
  private final CoordinatorMetrics metrics = new CoordinatorMetrics();
  private ConsulHttp http;
  private Dispatcher dispatcher;
  private SourceManager sources;
  private volatile MembershipWatcher membership;
  private OpsServer ops;

  public Coordinator(CoordinatorConfig config, Dispatcher.Mode mode, Consumer<Dispatcher.DispatchReport> reports) {
    this.config = config;
    this.mode = mode;
    this.reports = reports;
  }

  public Coordinator start() throws IOException {
    if (!state.compareAndSet(State.NEW, State.STARTED)) {
      throw new IllegalStateException("coordinator already started");
    }
    KvLayout layout = config.layout();
    http = ConsulHttp.create(config.consulSettings());
    closeables.add(http);
    KvClient kv = new KvClient(http);
    TxnWriter txn = new TxnWriter(http);
    dispatcher = new Dispatcher(mode, layout, new Publisher(kv, txn, layout), metrics, new StatusWriter(txn, layout),
        Clock.systemUTC(), config.startupGrace(), reports).start();
    OkHttpClient sourceHttp = new OkHttpClient.Builder().build();
    // the dispatcher coalesces every input by settings.debounce; here only tight bursts are merged
    sources = new SourceManager(new DefaultSourceFactory(sourceHttp, http), SOURCE_BURST,
        targets -> dispatcher.submit(() -> {
          dispatcher.state.targets = targets;
          dispatcher.state.sourceHealth = sources.health();
          metrics.sources(dispatcher.state.sourceHealth);
        }));
    sources.start();
    closeables.add(0, sources);
    watch(KvWatch.of(kv, layout.configDir(), listener(entries -> applyConfig(entries)), WatchOptions.defaults()));
    watch(KvWatch.of(kv, layout.recordsDir(), listener(entries -> applyRecords(layout, entries)), WatchOptions.defaults()));
    if (mode == Dispatcher.Mode.PUBLISH) {
      LeaderElection election = new LeaderElection(http, layout,
          LeaderOptions.defaults().withTtl(config.sessionTtl()).withLockDelay(config.lockDelay()), new LeaderListener() {
            @Override
            public void onElected(LeaderTerm term) {
              dispatcher.run(() -> dispatcher.leadership(new Dispatcher.Term(term.epoch(), term.fence(), holder())));
            }

            @Override
            public void onLost(String reason) {
              dispatcher.run(() -> dispatcher.leadership(null));
            }
          });
      closeables.add(0, election);
      election.start();
    }
    if (config.listen() != null && !config.listen().isBlank()) {
      ops = OpsServer.start(config.listen(), metrics.registry(), this::health);
      closeables.add(ops);
    }
    log.info("[coordinator] started ({}), consul {}, prefix {}", mode == Dispatcher.Mode.PUBLISH ? "publishing when leader" : "dry run",
        config.consul().address(), layout.prefix());
    return this;
  }

  private String holder() {
    return LeaderOptions.defaults().holder();
  }

  private void watch(BlockingWatch<List<KvEntry>> w) {
    closeables.add(0, w);
    w.start();
  }

  private WatchListener<List<KvEntry>> listener(Consumer<List<KvEntry>> onChange) {
    return (entries, index) -> dispatcher.submit(() -> onChange.accept(entries));
  }

  /** On the dispatcher thread: a new read of {@code config/}. */
  private void applyConfig(List<KvEntry> entries) {
    DispatchState s = dispatcher.state;
    Map<String, String> errorsBefore = s.config.errors();
    Map<String, byte[]> values = new HashMap<>();
    entries.forEach(e -> values.put(e.key(), e.value()));
    boolean changed = s.config.update(values);
    s.config.errors().forEach((key, error) -> {
      if (!error.equals(errorsBefore.get(key))) {
        log.warn("[config] rejected, last good version stays in force: {}", error);
      }
    });
    metrics.configErrors(s.config.errors().size());
    if (!changed && s.configLoaded) {
      return;
    }
    s.configLoaded = true;
    Settings settings = s.config.settings();
    Map<String, List<SourceSpec>> specs = new TreeMap<>();
    s.config.jobs().forEach((job, spec) -> specs.put(job, spec.sources()));
    sources.setJobs(specs);
    MembershipWatcher current = membership;
    if (current == null || !current.service().equals(settings.nodeService())) {
      if (current != null) {
        current.close();
      }
      membership = new MembershipWatcher(http, settings.nodeService(), settings.flapHold(),
          members -> dispatcher.submit(() -> {
            dispatcher.state.members = members;
            dispatcher.state.membersKnown = true;
            dispatcher.state.pending = membership.status().pending().stream().map(p -> p.node() + (p.joining() ? " joining" : " leaving")).toList();
            metrics.healthyNodes(members.size());
          })).start();
      s.membersKnown = false;
      MembershipWatcher watcher = membership;
      s.membership = watcher::status;
    } else {
      current.setHold(settings.flapHold());
    }
    log.info("[config] in force: {} jobs {}, node_service {}, replicas {}, flap_hold {}", s.config.jobs().size(),
        s.config.jobs().keySet(), settings.nodeService(), settings.replicas(), settings.flapHold());
  }

  /** On the dispatcher thread: a new read of {@code records/}. */
  private void applyRecords(KvLayout layout, List<KvEntry> entries) {
    TreeMap<Long, RecordRule> byIndex = new TreeMap<>();
    Map<String, String> errors = new TreeMap<>();
    for (KvEntry e : entries) {
      String index = e.key().substring(layout.recordsDir().length());
      if (index.isEmpty() && e.value().length == 0) {
        continue; // the folder itself, as the Consul UI creates it
      }
      try {
        if (!index.matches("[1-9][0-9]{0,17}")) {
          throw new ProtocolException(e.key() + ": record keys are records/<index> with index 1, 2, 3...");
        }
        byIndex.put(Long.parseLong(index), Json.decode(e.key(), e.value(), RecordRule.class));
      } catch (ProtocolException ex) {
        errors.put(e.key(), ex.getMessage());
      }
    }
    dispatcher.state.records = List.copyOf(byIndex.values());
    dispatcher.state.recordErrors = errors;
    dispatcher.state.recordsLoaded = true;
  }

  private Health health() {
    MembershipWatcher m = membership;
    if (m != null && m.status().consulUnreachable()) {
      return Health.failing("consul unreachable: " + m.status().lastError());
    }
    DispatchState s = dispatcher.state;
    String role = s.term != null ? "leader epoch " + s.term.epoch() : mode == Dispatcher.Mode.PUBLISH ? "standby" : "dry run";
    return s.problem.startsWith("publish") ? Health.failing(role + ": " + s.problem) : Health.ok(role);
  }

  public CoordinatorMetrics metrics() {
    return metrics;
  }

  /** The port of the ops server, or -1 when disabled. */
  public int opsPort() {
    return ops == null ? -1 : ops.port();
  }

  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) != State.STARTED) {
      return;
    }
    MembershipWatcher m = membership;
    if (m != null) {
      m.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    for (Closeable c : closeables) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        log.warn("[coordinator] closing {}: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
    log.info("[coordinator] stopped");
  }

}

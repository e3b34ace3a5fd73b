package io.promeshard.coordinator.run;

import io.promeshard.coordinator.config.ConfigState;
import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.config.SourceSpec;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.dispatch.DispatchState;
import io.promeshard.coordinator.dispatch.Dispatcher;
import io.promeshard.coordinator.dispatch.NodeReports;
import io.promeshard.coordinator.leader.LeaderElection;
import io.promeshard.coordinator.leader.LeaderListener;
import io.promeshard.coordinator.leader.LeaderOptions;
import io.promeshard.coordinator.leader.LeaderTerm;
import io.promeshard.coordinator.load.SampleFeed;
import io.promeshard.coordinator.membership.MemberPolicy;
import io.promeshard.coordinator.membership.MembershipWatcher;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.publish.PublishedFleet;
import io.promeshard.coordinator.publish.Publisher;
import io.promeshard.coordinator.publish.StatusWriter;
import io.promeshard.coordinator.records.auto.AutoImportMetrics;
import io.promeshard.coordinator.records.auto.AutoImporter;
import io.promeshard.coordinator.source.DefaultSourceFactory;
import io.promeshard.coordinator.source.SourceHealth;
import io.promeshard.coordinator.source.SourceManager;
import io.promeshard.coordinator.web.StatusPage;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.HoldApproval;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.consul.BlockingWatch;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.KvWatch;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.protocol.ops.Health;
import io.promeshard.protocol.ops.OpsServer;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the coordinator: Consul watches on {@code config/} and {@code records/}, the target
 * sources, the membership watch (started once {@code node_service} is known), the leader lock and
 * the ops server, all feeding one {@link Dispatcher}. Closing stops everything and releases the
 * lock.
 */
public final class Coordinator implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final CoordinatorConfig config;
  private final DispatchMode mode;
  private final Consumer<DispatchReport> reports;

  /** This copy's last dispatch, for the status page's search (the explain answer). */
  private final AtomicReference<DispatchReport> lastReport = new AtomicReference<>();

  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final List<Closeable> closeables = new ArrayList<>();
  private final CoordinatorMetrics metrics = new CoordinatorMetrics();
  private ConsulHttp http;
  private Dispatcher dispatcher;
  private SourceManager sources;
  private volatile MembershipWatcher membership;
  // what each agent last reported applying (node → generation), for the generation gauges
  private volatile Map<String, Long> reportedApplied = Map.of();
  private OpsServer ops;

  public Coordinator(
      CoordinatorConfig config, DispatchMode mode, Consumer<DispatchReport> reports) {
    this.config = config;
    this.mode = mode;
    this.reports =
        report -> {
          lastReport.set(report);
          reports.accept(report);
        };
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
    dispatcher =
        new Dispatcher(
                mode,
                layout,
                new Publisher(kv, txn, layout),
                metrics,
                new StatusWriter(txn, layout),
                Clock.systemUTC(),
                config.startupGrace(),
                reports)
            .start();
    OkHttpClient sourceHttp = new OkHttpClient.Builder().build();
    // the dispatcher coalesces every input, source changes included, by settings.debounce
    sources =
        new SourceManager(
            new DefaultSourceFactory(sourceHttp, http),
            targets ->
                dispatcher.submit(
                    s -> {
                      Map<String, List<SourceHealth>> health = sources.health();
                      metrics.sources(health);
                      metrics.rejected(targets);
                      return s.withTargets(targets, health);
                    }));
    sources.start();
    closeables.add(0, sources);
    watch(
        KvWatch.of(
            kv,
            layout.configDir(),
            (entries, index) -> dispatcher.submit(s -> applyConfig(s, entries)),
            WatchOptions.defaults()));
    watch(
        KvWatch.of(
            kv,
            layout.recordsDir(),
            (entries, index) -> dispatcher.submit(s -> applyRecords(s, layout, entries)),
            WatchOptions.defaults()));
    // what each agent applied and saw its Prometheus do: handovers complete on it
    watch(
        KvWatch.of(
            kv,
            layout.statusDir(),
            (entries, index) -> {
              Map<String, NodeStatus> statuses = Publisher.agentStatuses(layout, entries);
              Map<String, Long> applied = new TreeMap<>();
              statuses.forEach((node, st) -> applied.put(node, st.appliedGeneration()));
              reportedApplied = Map.copyOf(applied);
              dispatcher.reports(NodeReports.of(statuses));
            },
            WatchOptions.defaults()));
    if (mode == DispatchMode.PUBLISH) {
      watch(
          KvWatch.of(
              kv,
              layout.holdApproval(),
              (entries, index) -> dispatcher.submit(s -> applyApproval(s, layout, entries)),
              WatchOptions.defaults()));
      LeaderElection election =
          new LeaderElection(
              http,
              layout,
              LeaderOptions.defaults()
                  .withTtl(config.sessionTtl())
                  .withLockDelay(config.lockDelay()),
              new LeaderListener() {
                @Override
                public void onElected(LeaderTerm term) {
                  dispatcher.leadership(
                      new DispatchState.Term(term.epoch(), term.fence(), holder()));
                }

                @Override
                public void onLost(String reason) {
                  dispatcher.leadership(null);
                }
              });
      closeables.add(0, election);
      election.start();
      startAutoImport(kv, txn, layout);
    }
    startSampleFeed(kv, layout);
    metrics.followGenerations(() -> NodeGenerations.of(dispatcher.snapshot(), reportedApplied));
    metrics.followMembership(
        () -> {
          MembershipWatcher m = membership;
          return m == null ? null : m.status();
        });
    if (config.listen() != null && !config.listen().isBlank()) {
      StatusPage page =
          new StatusPage(
              new StatusPage.Sources() {
                @Override
                public PublishedFleet read() throws IOException {
                  return PublishedFleet.read(kv, txn, layout);
                }

                @Override
                public DispatchState state() {
                  return dispatcher.snapshot();
                }

                @Override
                public DispatchReport lastReport() {
                  return lastReport.get();
                }
              },
              Clock.systemUTC());
      ops = OpsServer.start(config.listen(), metrics.registry(), this::health, Map.of("/", page));
      closeables.add(ops);
    }
    log.info(
        "[coordinator] started ({}), consul {}, prefix {}",
        mode == DispatchMode.PUBLISH ? "publishing when leader" : "dry run",
        config.consul().address(),
        layout.prefix());
    return this;
  }

  /**
   * The automatic import of slow queries, on its own thread: it runs only while this process leads
   * and {@code records_auto_import} is on, and hands each run's status to the dispatcher.
   */
  private void startAutoImport(KvClient kv, TxnWriter txn, KvLayout layout) {
    AutoImporter importer =
        new AutoImporter(
            kv,
            txn,
            layout,
            () -> dispatcher.snapshot().config().settings().recordsImport(),
            () -> {
              DispatchState.Term t = dispatcher.snapshot().term();
              return t == null ? null : new AutoImporter.Term(t.epoch(), t.fence());
            },
            new AutoImportMetrics(metrics.registry()),
            dispatcher::recordsImported,
            Clock.systemUTC(),
            System.getenv());
    closeables.add(0, importer);
    importer.start();
  }

  /**
   * The agents' sample reports, read on their own thread while placement by load is on (and this
   * process leads, when it publishes); a change, or changes waiting for move budget, asks for a
   * dispatch.
   */
  private void startSampleFeed(KvClient kv, KvLayout layout) {
    SampleFeed feed =
        new SampleFeed(
            kv,
            layout,
            () -> dispatcher.snapshot().config().settings().loadReadInterval(),
            () -> {
              DispatchState s = dispatcher.snapshot();
              return s.config().settings().loadAware()
                  && (mode != DispatchMode.PUBLISH || s.term() != null);
            },
            () -> {
              CoordinatorStatus.LoadSummary load = dispatcher.snapshot().load();
              return load != null && load.deferred() > 0;
            },
            () -> dispatcher.submit(s -> s));
    dispatcher.observeLoad(feed);
    closeables.add(0, feed);
    feed.start();
  }

  private String holder() {
    return LeaderOptions.defaults().holder();
  }

  private void watch(BlockingWatch<List<KvEntry>> w) {
    closeables.add(0, w);
    w.start();
  }

  /**
   * On the dispatcher thread: a new read of {@code config/}; starts or re-targets the watches it
   * governs.
   */
  private DispatchState applyConfig(DispatchState s, List<KvEntry> entries) {
    Map<String, byte[]> values = new HashMap<>();
    entries.forEach(e -> values.put(e.key(), e.value()));
    DispatchState next = s.withConfig(values);
    ConfigState config = next.config();
    config
        .errors()
        .forEach(
            (key, error) -> {
              if (!error.equals(s.config().errors().get(key))) {
                log.warn("[config] rejected, last good version stays in force: {}", error);
              }
            });
    metrics.configErrors(config.errors().size());
    if (s.configLoaded() && !config.differsFrom(s.config())) {
      return next;
    }
    Settings settings = config.settings();
    Map<String, List<SourceSpec>> specs = new TreeMap<>();
    config.jobs().forEach((job, spec) -> specs.put(job, spec.sources()));
    sources.setLabelNames(settings.labelNames());
    sources.setJobs(specs);
    MembershipWatcher current = membership;
    MemberPolicy policy = new MemberPolicy(settings.bindToConsulNode(), settings.maxWeight());
    if (current == null
        || !current.service().equals(settings.nodeService())
        || !current.policy().equals(policy)) {
      if (current != null) {
        current.close();
      }
      membership =
          new MembershipWatcher(
                  http,
                  settings.nodeService(),
                  settings.flapHold(),
                  policy,
                  members ->
                      dispatcher.submit(
                          d -> {
                            metrics.healthyNodes(members.size());
                            return d.withMembers(members, membership.status());
                          }))
              .start();
      dispatcher.followMembership(membership::status);
      next = next.withMembershipRestarted();
    } else {
      current.setHold(settings.flapHold());
    }
    log.info(
        "[config] in force: {} jobs {} (own scrape settings: {}), node_service {}, replicas {},"
            + " flap_hold {}, handover {}",
        config.jobs().size(),
        config.jobs().keySet(),
        config.jobs().entrySet().stream()
            .filter(e -> e.getValue().scrape() != null)
            .map(Map.Entry::getKey)
            .toList(),
        settings.nodeService(),
        settings.replicas(),
        settings.flapHold(),
        settings.handover()
            ? "on (timeout " + Durations.format(settings.handoverTimeout()) + ")"
            : "off");
    return next;
  }

  /** On the dispatcher thread: a new read of {@code records/}. */
  private static DispatchState applyRecords(
      DispatchState s, KvLayout layout, List<KvEntry> entries) {
    TreeMap<Long, RecordRule> byIndex = new TreeMap<>();
    Map<String, String> errors = new TreeMap<>();
    for (KvEntry e : entries) {
      if (e.key().equals(layout.recordsDir()) && e.value().length == 0) {
        continue; // the folder itself, as the Consul UI creates it
      }
      try {
        OptionalLong index = layout.recordIndex(e.key());
        if (index.isEmpty()) {
          throw new ProtocolException(
              e.key() + ": record keys are records/<index> with index 1, 2, 3...");
        }
        byIndex.put(index.getAsLong(), Json.decode(e.key(), e.value(), RecordRule.class));
      } catch (ProtocolException ex) {
        errors.put(e.key(), ex.getMessage());
      }
    }
    return s.withRecords(List.copyOf(byIndex.values()), errors);
  }

  /** On the dispatcher thread: the operator's hold approval, read again. */
  private static DispatchState applyApproval(
      DispatchState s, KvLayout layout, List<KvEntry> entries) {
    String id = null;
    for (KvEntry e : entries) {
      if (!e.key().equals(layout.holdApproval())) {
        continue; // the watch lists by prefix
      }
      try {
        id = Json.decode(e.key(), e.value(), HoldApproval.class).id();
        log.info("[dispatch] hold approval read: {}", id);
      } catch (ProtocolException ex) {
        log.warn("[dispatch] ignoring unreadable hold approval: {}", ex.getMessage());
      }
    }
    return s.withApproval(id);
  }

  private Health health() {
    MembershipWatcher m = membership;
    if (m != null && m.status().consulUnreachable()) {
      return Health.failing("consul unreachable: " + m.status().lastError());
    }
    return dispatcher.snapshot().health();
  }

  /** The dispatcher's state as of its last step (any thread may read it). */
  public DispatchState dispatchState() {
    return dispatcher.snapshot();
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

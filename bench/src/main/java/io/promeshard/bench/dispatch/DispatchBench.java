package io.promeshard.bench.dispatch;

import io.promeshard.bench.fleet.ConsulAccess;
import io.promeshard.bench.fleet.Targets;
import io.promeshard.bench.footprint.ProcStats;
import io.promeshard.bench.report.Machine;
import io.promeshard.bench.report.Stats;
import io.promeshard.bench.report.Table;
import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.run.Coordinator;
import io.promeshard.protocol.Defaults;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.consul.ConsulConfig;
import io.promeshard.testkit.ConsulServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 4: an in-process coordinator dispatching {@code targets} targets read from file_sd JSON
 * files over {@code nodes} nodes (TTL-checked services in a real Consul): the source read, then the
 * dispatch (shares, sharding, diff, publish) of the first full publish, of no-op dispatches (an
 * equivalent settings edit), of one node joining and leaving (handovers off, so every move is
 * written at once) and, once, of a node of the first publish leaving, with the keys and bytes each
 * wrote and the bytes Consul holds under {@code nodes/} afterwards.
 */
public final class DispatchBench {
  static final String SERVICE = Defaults.NODE_SERVICE;
  static final String JOB = "web";

  /** Sizes and repetitions. */
  public record Config(int targets, int nodes, int files, int runs, Duration timeout) {}

  /** One kind of dispatch over its runs: seconds per run, and the writes of the first run. */
  @SuppressWarnings(
      "ArrayRecordComponent") // measured samples for the report; never compared or hashed
  public record Kind(
      String name,
      double[] seconds,
      int moved,
      int keys,
      long valueBytes,
      long txnBytes,
      int batches,
      long heldBytes,
      double heapMib,
      double rssMib) {}

  /** Everything measured. */
  @SuppressWarnings(
      "ArrayRecordComponent") // measured samples for the report; never compared or hashed
  public record Result(double[] sourceReadMs, List<Kind> kinds) {
    public Kind kind(String name) {
      return kinds.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    }
  }

  private record Stamped(long nanos, DispatchReport report) {}

  private final Config config;
  private final Path workDir;
  private final PrintStream out;

  public DispatchBench(Config config, Path workDir, PrintStream out) {
    this.config = config;
    this.workDir = workDir;
    this.out = out;
  }

  public Result run() {
    String loadBefore = Machine.loadAverage();
    Path targetsDir = workDir.resolve("targets");
    Targets.writeFileSd(targetsDir, config.targets(), config.files());
    String pattern = targetsDir.toAbsolutePath() + "/*.json";
    double[] readMs = SdFiles.timeRead(pattern, config.targets(), config.runs(), config.timeout());
    KvLayout layout = KvLayout.defaults();
    BlockingQueue<Stamped> reports = new LinkedBlockingQueue<>();
    List<Kind> kinds = new ArrayList<>();
    try (ConsulServer server = ConsulServer.start(workDir.resolve("consul"));
        ConsulAccess consul = new ConsulAccess(server.url())) {
      for (int n = 1; n <= config.nodes(); n++) {
        consul.register(SERVICE, node(n));
      }
      // handovers off: moves are immediate, so a join or leave writes the old owners' changes
      // now instead of after handover_timeout (no agent here acknowledges a scrape)
      String settings =
          "{\"debounce\":\"0s\",\"flap_hold\":\"0s\",\"resync_interval\":\"1h\","
              + "\"handover\":false}";
      consul.putKv(layout.settings(), settings);
      consul.putKv(
          layout.job(JOB), "{\"sources\":[{\"type\":\"file\",\"files\":[\"" + pattern + "\"]}]}");
      CoordinatorConfig cc =
          new CoordinatorConfig(
              new ConsulConfig(server.url(), null, null),
              null,
              "",
              Duration.ofSeconds(10),
              Duration.ZERO,
              Duration.ofSeconds(2)); // startup_grace: the first dispatch waits all of it
      try (Coordinator coordinator =
          new Coordinator(
              cc, DispatchMode.PUBLISH, r -> reports.add(new Stamped(System.nanoTime(), r)))) {
        start(coordinator);
        DispatchReport initial =
            awaitWith(
                reports,
                r -> r.output().targets() == config.targets() && !r.plan().isEmpty(),
                config.timeout().plus(Duration.ofSeconds(60)),
                "the first full publish");
        kinds.add(kind("initial publish", List.of(initial), held(consul, layout, 0)));
        List<DispatchReport> noop = new ArrayList<>();
        long noopHeld = 0;
        for (int i = 0; i < config.runs(); i++) {
          reports.clear();
          consul.putKv(
              layout.settings(), i % 2 == 0 ? settings.replace("}", ",\"replicas\":1}") : settings);
          noop.add(
              awaitWith(
                  reports,
                  r -> true,
                  config.timeout(),
                  "a dispatch after an equivalent settings edit"));
          noopHeld = held(consul, layout, noopHeld);
        }
        kinds.add(kind("no-op (equivalent settings edit)", noop, noopHeld));
        List<DispatchReport> joins = new ArrayList<>();
        List<DispatchReport> leaves = new ArrayList<>();
        long joinHeld = 0;
        long leaveHeld = 0;
        String extra = node(config.nodes() + 1);
        for (int i = 0; i < config.runs(); i++) {
          reports.clear();
          consul.register(SERVICE, extra);
          joins.add(
              awaitWith(
                  reports,
                  r -> r.input().members().containsKey(extra),
                  config.timeout(),
                  extra + " joining"));
          joinHeld = held(consul, layout, joinHeld);
          reports.clear();
          consul.deregister(extra);
          leaves.add(
              awaitWith(
                  reports,
                  r -> !r.input().members().containsKey(extra),
                  config.timeout(),
                  extra + " leaving"));
          leaveHeld = held(consul, layout, leaveHeld);
        }
        kinds.add(
            kind(
                "one node joins (" + config.nodes() + " → " + (config.nodes() + 1) + ")",
                joins,
                joinHeld));
        kinds.add(
            kind(
                "one node leaves (" + (config.nodes() + 1) + " → " + config.nodes() + ")",
                leaves,
                leaveHeld));
        // the leaves above undo a join (their deltas cancel out); this one was in the first base
        reports.clear();
        String established = node(1);
        consul.deregister(established);
        DispatchReport gone =
            awaitWith(
                reports,
                r -> !r.input().members().containsKey(established),
                config.timeout(),
                established + " leaving");
        kinds.add(
            kind(
                "a node of the first publish leaves ("
                    + config.nodes()
                    + " → "
                    + (config.nodes() - 1)
                    + ")",
                List.of(gone),
                held(consul, layout, 0)));
      }
    }
    Result result = new Result(readMs, kinds);
    print(result, loadBefore);
    return result;
  }

  static String node(int n) {
    return String.format("prom-%02d", n);
  }

  /**
   * The larger of {@code atLeast} and the value bytes Consul holds under {@code nodes/} now (the
   * reports arrive after the dispatch's writes and deletions returned).
   */
  private static long held(ConsulAccess consul, KvLayout layout, long atLeast) {
    try {
      long bytes =
          consul.kv().list(layout.nodesDir(), 0, Duration.ZERO).value().stream()
              .mapToLong(e -> e.value().length)
              .sum();
      return Math.max(atLeast, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + layout.nodesDir(), e);
    }
  }

  private static Kind kind(String name, List<DispatchReport> runs, long heldBytes) {
    double[] seconds = runs.stream().mapToDouble(DispatchReport::seconds).toArray();
    DispatchReport first = runs.get(0);
    // the coordinator runs in this JVM: its live heap after a full collection, and the process RSS
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    ProcStats self = new ProcStats(ProcessHandle.current().pid());
    return new Kind(
        name,
        seconds,
        first.output().moved(),
        first.plan().keyCount(),
        first.plan().byteCount(),
        first.written().bodyBytes(),
        first.written().batches(),
        heldBytes,
        heap.getUsed() / 1024.0 / 1024.0,
        self.rssKb() / 1024.0);
  }

  private static void start(Coordinator coordinator) {
    try {
      coordinator.start();
    } catch (IOException e) {
      throw new UncheckedIOException("starting the coordinator", e);
    }
  }

  private static DispatchReport awaitWith(
      BlockingQueue<Stamped> reports,
      java.util.function.Predicate<DispatchReport> wanted,
      Duration timeout,
      String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Stamped s =
            reports.poll(
                Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        if (s != null && wanted.test(s.report())) {
          return s.report();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
    throw new AssertionError("no dispatch report for " + what + " within " + timeout);
  }

  private void print(Result r, String loadBefore) {
    double readMedian = Stats.median(r.sourceReadMs());
    Table t =
        new Table(
            "Coordinator dispatch: "
                + Stats.n(config.targets())
                + " targets from "
                + config.files()
                + " file_sd files over "
                + config.nodes()
                + " nodes (load average "
                + loadBefore
                + " → "
                + Machine.loadAverage()
                + ")",
            "dispatch",
            "runs",
            "dispatch ms (median)",
            "read + dispatch ms",
            "targets moved",
            "keys written",
            "value bytes",
            "txn body bytes",
            "txn batches",
            "KV bytes held",
            "heap after GC MiB",
            "RSS MiB");
    for (Kind k : r.kinds()) {
      double ms = Stats.median(k.seconds()) * 1000;
      t.row(
          k.name(),
          k.seconds().length,
          Stats.f(ms, 0),
          Stats.f(ms + readMedian, 0),
          Stats.n(k.moved()),
          Stats.n(k.keys()),
          Stats.n(k.valueBytes()),
          Stats.n(k.txnBytes()),
          k.batches(),
          Stats.n(k.heldBytes()),
          Stats.f(k.heapMib(), 0),
          Stats.f(k.rssMib(), 0));
    }
    out.println(t.render());
    out.println(
        "Source read (file_sd JSON, "
            + config.files()
            + " files): median "
            + Stats.f(readMedian, 0)
            + " ms over "
            + r.sourceReadMs().length
            + " reads. Dispatch = DispatchReport.seconds (shares, sharding with the previous "
            + "assignment, publish plan, fenced transactions); writes are of the first run of each"
            + " kind; KV bytes held = value bytes under nodes/ after the step, the most over its"
            + " runs; heap after GC and RSS are of this JVM, which runs the coordinator (and the"
            + " benchmark's own small state), after the step's last run.");
    out.println();
  }
}

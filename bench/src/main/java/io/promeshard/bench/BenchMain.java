package io.promeshard.bench;

import io.promeshard.bench.dispatch.DispatchBench;
import io.promeshard.bench.footprint.AgentCommand;
import io.promeshard.bench.footprint.FootprintBench;
import io.promeshard.bench.footprint.ShareSizeBench;
import io.promeshard.bench.propagation.PropagationBench;
import io.promeshard.bench.report.Machine;
import io.promeshard.bench.sharding.ShardingBench;
import io.promeshard.testkit.Binaries;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code prome-shard-bench [sharding|propagation|footprint|dispatch|all]}: runs the benchmarks and
 * prints markdown tables to stdout (logs go to stderr). Exit 0 when every benchmark ran, 1 when one
 * failed (its error is printed and the others still run), 2 for a usage error.
 */
@Command(
    name = "prome-shard-bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Benchmarks of prome-shard; prints markdown tables (see BENCHMARKS.md).")
public final class BenchMain implements Callable<Integer> {
  /** The benchmarks by name, in the order {@code all} runs them. */
  enum Which {
    sharding,
    propagation,
    footprint,
    dispatch,
    sharesize,
    all
  }

  @Parameters(
      index = "0",
      defaultValue = "all",
      paramLabel = "WHICH",
      description = "sharding, propagation, footprint, dispatch, sharesize or all (default).")
  Which which;

  @Option(
      names = "--quick",
      description =
          "Toy sizes and few repetitions: checks that every benchmark runs, numbers mean little.")
  boolean quick;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Timed runs per measurement (median reported; default 5).")
  int runs;

  @Option(
      names = "--warmups",
      defaultValue = "3",
      description = "Untimed warm-up runs before timing (default 3).")
  int warmups;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the Pareto costs (default 42).")
  long seed;

  @Option(
      names = "--changes",
      defaultValue = "100",
      description = "Propagation: published changes per row (default 100; p99 needs at least 50).")
  int changes;

  @Option(
      names = "--edits",
      defaultValue = "50",
      description = "Propagation: KV config edits per row (default 50).")
  int edits;

  @Option(
      names = "--work-dir",
      description = "Where Consul data, agent files and logs go (default: a new temp dir).")
  Path workDir;

  @Option(
      names = "--agent-jar",
      description = "Footprint: the agent jar (default agent/target/prome-shard-agent.jar).")
  Path agentJar;

  @Option(
      names = "--footprint-targets",
      defaultValue = "10000",
      description = "Footprint: targets in the agent's share (default 10000).")
  int footprintTargets;

  @Option(
      names = "--share-sizes",
      split = ",",
      defaultValue = "20000,50000,100000",
      description = "Share size: targets of each row (default 20000,50000,100000).")
  List<Integer> shareSizes;

  @Option(
      names = "--dispatch-size",
      paramLabel = "TARGETS:NODES",
      defaultValue = "100000:50",
      description =
          "Dispatch: targets and nodes (default ${DEFAULT-VALUE}; the issue's large row is"
              + " 1000000:200). Targets come from file_sd files of 1,000 targets each.")
  String dispatchSize;

  @Option(
      names = "--agent-jvm-opts",
      paramLabel = "OPTS",
      description =
          "Footprint: an extra row with these JVM options instead of the launcher's (repeatable);"
              + " NAME=value words set the agent's environment, e.g. \"MALLOC_ARENA_MAX=2 -Xmx48m\".")
  List<String> agentJvmOptions = new ArrayList<>();

  @Option(
      names = "--footprint-nmt",
      description =
          "Footprint: run every row with -XX:NativeMemoryTracking=summary and print the agent's"
              + " native memory by category (jcmd VM.native_memory summary) at the end of the idle"
              + " window.")
  boolean footprintNmt;

  private final PrintStream out = System.out;
  private String resultLine;

  public static void main(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(
        new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() {
    out.println("## prome-shard benchmarks (" + which + (quick ? ", quick" : "") + ")");
    out.println();
    out.println(Machine.describe());
    boolean ok = true;
    if (which == Which.sharding || which == Which.all) {
      ok &= section("sharding", this::sharding);
    }
    if (which == Which.propagation || which == Which.all) {
      ok &= section("propagation", this::propagation);
    }
    if (which == Which.footprint || which == Which.all) {
      ok &= section("footprint", this::footprint);
    }
    if (which == Which.dispatch || which == Which.all) {
      ok &= section("dispatch", this::dispatch);
    }
    if (which == Which.sharesize || which == Which.all) {
      ok &= section("sharesize", this::shareSize);
    }
    out.println("load average at end: " + Machine.loadAverage());
    if (resultLine != null) {
      out.println(resultLine); // last line of the output, for scripts
    }
    return ok ? 0 : 1;
  }

  private void sharding() {
    List<ShardingBench.Size> sizes =
        quick ? List.of(new ShardingBench.Size(2_000, 5)) : ShardingBench.FULL_SIZES;
    ShardingBench.Size result = quick ? sizes.get(0) : ShardingBench.RESULT_SIZE;
    new ShardingBench(sizes, result, quick ? 1 : warmups, quick ? 1 : runs, seed, out)
        .run().stream()
            .filter(r -> r.size().equals(result) && r.algorithm().equals("prome-shard"))
            .findFirst()
            .ifPresent(r -> resultLine = ShardingBench.resultLine(r));
  }

  private void propagation() {
    PropagationBench.Config c =
        quick
            ? new PropagationBench.Config(
                3,
                List.of(50),
                5,
                50,
                3,
                List.of("0s"),
                10,
                Duration.ofMillis(200),
                Duration.ofSeconds(20))
            : new PropagationBench.Config(
                10,
                List.of(100, 1000),
                changes,
                1000,
                edits,
                List.of("1s", "0s"),
                100,
                Duration.ofMillis(300),
                Duration.ofSeconds(30));
    new PropagationBench(c, workDir("propagation"), out).run();
  }

  private void footprint() {
    Path root = Binaries.projectRoot();
    AgentCommand cmd =
        AgentCommand.jar(
            root.resolve("packaging/src/main/bin/prome-shard-agent"),
            agentJar != null ? agentJar : root.resolve("agent/target/prome-shard-agent.jar"));
    List<List<String>> optionSets = new ArrayList<>();
    optionSets.add(null);
    agentJvmOptions.forEach(o -> optionSets.add(List.of(o.trim().split("\\s+"))));
    FootprintBench.Config c =
        quick
            ? new FootprintBench.Config(
                1000,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                3,
                Duration.ofMillis(200),
                Duration.ofSeconds(30),
                optionSets,
                footprintNmt)
            : new FootprintBench.Config(
                footprintTargets,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                20,
                Duration.ofMillis(500),
                Duration.ofSeconds(60),
                optionSets,
                footprintNmt);
    new FootprintBench(c, cmd, workDir("footprint"), out).run();
  }

  private void shareSize() {
    Path root = Binaries.projectRoot();
    AgentCommand cmd =
        AgentCommand.jar(
            root.resolve("packaging/src/main/bin/prome-shard-agent"),
            agentJar != null ? agentJar : root.resolve("agent/target/prome-shard-agent.jar"));
    ShareSizeBench.Config c =
        quick
            ? new ShareSizeBench.Config(
                List.of(1000), 2, Duration.ofMillis(200), Duration.ofSeconds(30))
            : new ShareSizeBench.Config(
                shareSizes, 3, Duration.ofMillis(500), Duration.ofSeconds(90));
    new ShareSizeBench(c, cmd, workDir("sharesize"), out).run();
  }

  private void dispatch() {
    DispatchBench.Config c =
        quick
            ? new DispatchBench.Config(2_000, 5, 4, 2, Duration.ofSeconds(30))
            : sized(dispatchSize);
    new DispatchBench(c, workDir("dispatch"), out).run();
  }

  /** The dispatch benchmark at {@code TARGETS:NODES}, one file_sd file per 1,000 targets. */
  private DispatchBench.Config sized(String size) {
    String[] parts = size.split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "--dispatch-size: expected TARGETS:NODES, e.g. 100000:50, found " + size);
    }
    int targets = Integer.parseInt(parts[0].strip());
    int nodes = Integer.parseInt(parts[1].strip());
    if (targets < 1000 || targets % 1000 != 0 || nodes < 2) {
      throw new IllegalArgumentException(
          "--dispatch-size: targets a multiple of 1000, nodes at least 2, found " + size);
    }
    // the default size keeps the timeout the published tables were measured with
    Duration timeout = Duration.ofSeconds(Math.max(60, targets / 5_000));
    return new DispatchBench.Config(targets, nodes, targets / 1000, runs, timeout);
  }

  private Path workDir(String name) {
    try {
      Path base = workDir != null ? workDir : Files.createTempDirectory("prome-shard-bench-");
      Path dir = base.resolve(name);
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("creating the work directory", e);
    }
  }

  private boolean section(String name, Runnable bench) {
    out.println("### " + name);
    out.println();
    try {
      bench.run();
      return true;
    } catch (RuntimeException | AssertionError e) {
      out.println("FAILED " + name + ": " + e);
      e.printStackTrace();
      return false;
    } finally {
      out.println();
    }
  }
}

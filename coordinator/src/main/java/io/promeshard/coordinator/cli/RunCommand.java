package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.dispatch.Hold;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.coordinator.run.Coordinator;
import io.promeshard.protocol.cli.ExitCodes;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}: the coordinator service. Publishes while it holds the leader lock, stands by
 * otherwise; {@code --dry-run} prints each plan instead of writing; {@code --once} exits after the
 * first dispatch (0) or when none could run in time (1).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run the coordinator: watch config, sources and members; publish each node's share while leader.")
public final class RunCommand implements Callable<Integer>, Verbosity.Service {
  @Mixin ConnectionOptions connection;

  @Mixin Verbosity verbosity;

  @Option(
      names = "--once",
      description =
          "Exit after the first dispatch (0), or after a timeout when none could run (1).")
  boolean once;

  @Option(
      names = "--dry-run",
      description =
          "Compute and print what each dispatch would change; write nothing, take no lock.")
  boolean dryRun;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Serve /metrics and /healthz here (overrides the file; \"\" disables).")
  String listen;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "120s",
      description = "With --once: how long to wait for a dispatch (default ${DEFAULT-VALUE}).",
      converter = DurationConverter.class)
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    CoordinatorConfig cfg = connection.load();
    if (listen != null) {
      cfg = cfg.withListen(listen);
    }
    return run(
        cfg,
        dryRun ? DispatchMode.DRY_RUN : DispatchMode.PUBLISH,
        once,
        timeout,
        dryRun ? OutputFormat.Format.text : null);
  }

  @Override
  public Verbosity verbosity() {
    return verbosity;
  }

  /**
   * Runs a coordinator; with {@code once}, until its first dispatch. Each dispatch's plan is
   * printed in {@code printAs} unless that is null.
   */
  static int run(
      CoordinatorConfig cfg,
      DispatchMode mode,
      boolean once,
      Duration timeout,
      OutputFormat.Format printAs)
      throws Exception {
    BlockingQueue<DispatchReport> reports = new ArrayBlockingQueue<>(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Coordinator coordinator =
        new Coordinator(
            cfg,
            mode,
            report -> {
              if (printAs != null) {
                PlanPrinter.print(System.out, report, printAs);
              }
              reports.offer(report);
            });
    Thread hook =
        new Thread(
            () -> {
              coordinator.close();
              stopped.countDown();
            },
            "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    coordinator.start();
    if (!once) {
      stopped.await();
      return ExitCodes.OK;
    }
    DispatchReport report = null;
    Hold hold = null;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (report == null && hold == null && System.nanoTime() < deadline) {
      report = reports.poll(200, TimeUnit.MILLISECONDS);
      hold = coordinator.dispatchState().hold();
    }
    coordinator.close();
    Runtime.getRuntime().removeShutdownHook(hook);
    if (report == null && hold != null) {
      System.err.println(
          "dispatch held, nothing written: "
              + hold.reason()
              + " (hold "
              + hold.id()
              + "; released by "
              + hold.release()
              + ")");
      return ExitCodes.RUNTIME;
    }
    CoordinatorStatus.Rejected rejected =
        report == null ? null : coordinator.dispatchState().status().rejectedTargets();
    if (rejected != null) {
      System.err.println(
          "published, but " + rejected.count() + " targets cannot be published and were left out:");
      rejected.named().forEach(line -> System.err.println("  " + line));
      return ExitCodes.RUNTIME;
    }
    if (report == null) {
      System.err.println(
          "no dispatch within "
              + timeout
              + " (not leader, no healthy members, or Consul unreachable; see the log)");
      return ExitCodes.RUNTIME;
    }
    return ExitCodes.OK;
  }
}

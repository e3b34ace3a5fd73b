package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.dispatch.Handovers;
import io.promeshard.coordinator.dispatch.ShareBuilder;
import io.promeshard.coordinator.run.Coordinator;
import io.promeshard.coordinator.shard.Explanation;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.cli.ExitCodes;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code explain <job> <address>}: which node(s) own a target and why, from a dry-run dispatch, the
 * job's own scrape settings if it has some, and the handover it is in, if any.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Show which node(s) own a target and why.")
public final class ExplainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB")
  String job;

  @Parameters(index = "1", paramLabel = "ADDRESS")
  String address;

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to wait for sources and members (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  @SuppressWarnings("try") // c only has to run, and be closed, while the dry-run report is awaited
  public Integer call() throws Exception {
    BlockingQueue<DispatchReport> reports = new ArrayBlockingQueue<>(1);
    DispatchReport report;
    try (Coordinator c =
        new Coordinator(connection.load().withListen(""), DispatchMode.DRY_RUN, reports::offer)
            .start()) {
      report = reports.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (report == null) {
      System.err.println(
          "explain: no dispatch could be computed within "
              + timeout
              + " (no healthy members or Consul unreachable?)");
      return ExitCodes.RUNTIME;
    }
    Explanation e = ShareBuilder.explain(report.input(), report.previous(), job, address);
    System.out.println(e.describe());
    ScrapeSettings scrape = report.input().jobs().get(job).scrape();
    if (scrape != null) {
      System.out.println("scrape settings of job " + job + ": " + scrape);
    }
    Handovers.Handover h = report.handovers().get(job + "/" + address);
    if (h != null) {
      System.out.printf(
          "in handover since %s: kept on %s until %s scraped it twice (at most handover_timeout"
              + " %s)%n",
          h.started(),
          h.from(),
          h.to().keySet(),
          Durations.format(report.input().settings().handoverTimeout()));
    }
    return ExitCodes.OK;
  }
}

package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.dispatch.DispatchMode;
import io.promeshard.coordinator.dispatch.DispatchReport;
import io.promeshard.coordinator.dispatch.ShareBuilder;
import io.promeshard.coordinator.run.Coordinator;
import io.promeshard.coordinator.shard.Explanation;
import io.promeshard.coordinator.web.Explain;
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
public final class ExplainCommand implements Callable<Integer>, Verbosity.Answering {
  @Parameters(index = "0", paramLabel = "JOB")
  String job;

  @Parameters(index = "1", paramLabel = "ADDRESS")
  String address;

  @Mixin ConnectionOptions connection;

  @Mixin Verbosity verbosity;

  @Mixin OutputFormat output;

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
    Answer answer = answer(report, job, address);
    if (output.json()) {
      OutputFormat.print(System.out, answer);
      return ExitCodes.OK;
    }
    System.out.print(answer.explanation().describe());
    if (answer.scrape() != null) {
      System.out.println("scrape settings of job " + job + ": " + answer.scrape());
    }
    if (answer.handover() != null) {
      System.out.println(answer.handover().describe());
    }
    return ExitCodes.OK;
  }

  @Override
  public Verbosity verbosity() {
    return verbosity;
  }

  /** The answer, as {@code --output json} prints it; the text form says the same. */
  record Answer(Explanation explanation, ScrapeSettings scrape, Explain.InHandover handover) {}

  static Answer answer(DispatchReport report, String job, String address) {
    Explanation e =
        ShareBuilder.explain(
            report.input(), report.previous(), job, address, report.output().load().model());
    JobSpec spec = report.input().jobs().get(job);
    return new Answer(
        e, spec == null ? null : spec.scrape(), Explain.InHandover.of(report, job, address));
  }
}

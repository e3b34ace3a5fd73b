package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.records.ImportReport;
import io.promeshard.coordinator.records.ImportRequest;
import io.promeshard.coordinator.records.PromtoolCheck;
import io.promeshard.coordinator.records.RecordImport;
import io.promeshard.coordinator.records.RecordNaming;
import io.promeshard.coordinator.records.RedisExport;
import io.promeshard.coordinator.records.RedisPassword;
import io.promeshard.protocol.cli.ExitCodes;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code records import}: turns heavy queries (from a Prometheus query log or a list of
 * expressions) into indexed recording rules in Consul, optionally archiving the whole registry as a
 * rule file and exporting the new record→expression pairs to Redis. Exit 0 ok, 2 usage/config/input
 * file error or no promtool (without {@code --no-check}), 1 Consul, Redis or archive failure.
 */
@Command(
    name = "records",
    mixinStandardHelpOptions = true,
    description = "Manage the heavy-query recording rules registry (records/<index> in Consul).",
    subcommands = {RecordsCommand.Import.class})
public final class RecordsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (import)");
  }

  /** The input: exactly one of a query log or an expression file. */
  static final class Input {
    @Option(
        names = "--query-log",
        paramLabel = "FILE",
        required = true,
        description =
            "Prometheus query log (query_log_file: JSON lines); keeps queries whose "
                + "stats.timings.evalTotalTime is at least --min-duration.")
    Path queryLog;

    @Option(
        names = "--exprs",
        paramLabel = "FILE",
        required = true,
        description =
            "File with one PromQL expression per line; blank lines and lines starting with # are skipped.")
    Path exprs;
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description =
          "Register heavy queries as recording rules <prefix>:heavy_expr:<md5 of the expression> at the "
              + "next free indices records/<index>; expressions already registered are not added again, expressions "
              + "promtool refuses are reported and not registered. promtool is required (exit 2 without one) "
              + "unless --no-check is given. Prints a summary that accounts for every input line.")
  static final class Import implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(
        names = "--min-duration",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description =
            "With --query-log: the least evalTotalTime a query must have taken (default 1s).")
    Duration minDuration;

    @Option(
        names = "--archive-dir",
        paramLabel = "DIR",
        description =
            "Also write the whole registry to DIR/record_<count>_<date>.yml (group record_group, "
                + "interval record_interval from config/settings).")
    Path archiveDir;

    @Option(
        names = "--redis",
        paramLabel = "URL",
        description =
            "Also write the new record->expression pairs to Redis (MSET) and add the record names "
                + "to a set (SADD): redis://[user@]host:port[/db] or rediss://...; the password "
                + "from --redis-password-file or $"
                + RedisPassword.ENV
                + " (a password in the URL works too, but shows in the process list).")
    String redis;

    @Option(
        names = "--redis-password-file",
        paramLabel = "FILE",
        description = "File whose first line is the Redis password.")
    Path redisPasswordFile;

    @Option(
        names = "--redis-set",
        paramLabel = "KEY",
        defaultValue = RedisExport.DEFAULT_SET_KEY,
        description = "Name of the Redis set of record names (default ${DEFAULT-VALUE}).")
    String redisSet;

    @Option(
        names = "--redis-all",
        description =
            "Write every registered record to Redis, not only the new ones "
                + "(repairs a Redis that missed an earlier import).")
    boolean redisAll;

    @Option(
        names = "--prefix-name",
        paramLabel = "NAME",
        defaultValue = RecordNaming.DEFAULT_PREFIX,
        description = "First part of the record names (default ${DEFAULT-VALUE}).")
    String prefixName;

    @Option(
        names = "--promtool",
        paramLabel = "PATH",
        description =
            "promtool used to check the expressions (default: promtool on PATH). Without one the "
                + "import stops with exit 2 unless --no-check is given.")
    Path promtool;

    @Option(
        names = "--no-check",
        description =
            "Register the expressions without a promtool check (warned about and said in the "
                + "summary); an expression Prometheus rejects is then only caught by the agents.")
    boolean noCheck;

    @Option(
        names = "--dry-run",
        description =
            "Read the input and the registry and print what would be added; write nothing.")
    boolean dryRun;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
      CoordinatorConfig cfg = connection.load();
      boolean queryLog = input.queryLog != null;
      if (redis == null && redisPasswordFile != null) {
        throw new IllegalArgumentException("--redis-password-file needs --redis");
      }
      URI redisUrl =
          redis == null
              ? null
              : RedisPassword.apply(
                  RedisExport.parseUrl(redis), redisPasswordFile, System.getenv());
      ImportRequest req =
          new ImportRequest(
              queryLog ? ImportRequest.Source.QUERY_LOG : ImportRequest.Source.EXPRS,
              queryLog ? input.queryLog : input.exprs,
              minDuration,
              new RecordNaming(prefixName),
              archiveDir,
              redisUrl,
              redisSet,
              redisAll,
              noCheck ? Optional.empty() : PromtoolCheck.locate(promtool),
              noCheck,
              dryRun);
      ImportReport report;
      try (ConsulHttp http = ConsulHttp.create(cfg.consulSettings())) {
        report =
            new RecordImport(
                    new KvClient(http),
                    new TxnWriter(http),
                    cfg.layout(),
                    Clock.system(ZoneId.systemDefault()))
                .run(req);
      }
      report.print(System.out);
      return report.failures().isEmpty() ? ExitCodes.OK : ExitCodes.RUNTIME;
    }
  }
}

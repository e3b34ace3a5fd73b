package io.promeshard.coordinator.records.auto;

import io.promeshard.coordinator.config.RecordsAutoImport;
import io.promeshard.coordinator.publish.RecordsImportStatus;
import io.promeshard.coordinator.records.ImportReport;
import io.promeshard.coordinator.records.ImportRequest;
import io.promeshard.coordinator.records.ParsedInput;
import io.promeshard.coordinator.records.PromtoolCheck;
import io.promeshard.coordinator.records.RecordImport;
import io.promeshard.coordinator.records.RecordNaming;
import io.promeshard.coordinator.records.RedisPassword;
import io.promeshard.coordinator.records.Registry;
import io.promeshard.coordinator.records.RegistrySnapshot;
import io.promeshard.coordinator.records.Rejected;
import io.promeshard.coordinator.records.ReportInput;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.QueryReport;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.QueryReports;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One automatic import: reads every node's slow-query report, gathers the candidates, leaves out
 * those registered or refused earlier this term, admits what the limits allow and runs the same
 * import as {@code records import} on them (promtool check, registry under the leader's fence,
 * archive, Redis), then tells the metrics and returns the status. A failure (Consul, promtool
 * missing, Redis) ends the run as {@code failed} with the error; nothing is lost: what was not
 * registered is reported again, and Redis gets the whole registry at the next run.
 */
final class AutoImportRun {
  private static final Logger log = LoggerFactory.getLogger(AutoImportRun.class);
  private static final int EXPR_CHARS = 200;

  private final KvClient kv;
  private final TxnWriter txn;
  private final KvLayout layout;
  private final AutoImportMetrics metrics;
  private final Clock clock;
  private final Map<String, String> env;
  private final RecordNaming naming = RecordNaming.defaults();

  AutoImportRun(
      KvClient kv,
      TxnWriter txn,
      KvLayout layout,
      AutoImportMetrics metrics,
      Clock clock,
      Map<String, String> env) {
    this.kv = kv;
    this.txn = txn;
    this.layout = layout;
    this.metrics = metrics;
    this.clock = clock;
    this.env = env;
  }

  RecordsImportStatus run(RecordsAutoImport cfg, TermMemory memory, Fence fence) {
    Instant begin = clock.instant();
    Outcome o = new Outcome();
    try {
      importReports(cfg, memory, fence, o);
    } catch (IOException | RuntimeException e) {
      o.error = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    boolean ok = o.error == null;
    metrics.run(ok, clock.millis());
    RecordsImportStatus status =
        o.status(begin.toString(), Duration.between(begin, clock.instant()).toMillis());
    if (!ok) {
      log.warn("[records-auto] {}", status.line());
    } else if (status.added() + status.invalid() + status.held() > 0) {
      log.info("[records-auto] {}", status.line());
    } else {
      log.debug("[records-auto] {}", status.line());
    }
    return status;
  }

  /** What a run found, filled as it goes, so that a failure still reports what was done. */
  private static final class Outcome {
    Map<String, Integer> candidates = Map.of();
    Map<String, Long> malformed = new TreeMap<>();
    int distinct;
    ImportPlan plan;
    List<String> added = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    int registry;
    String error;

    RecordsImportStatus status(String at, long durationMs) {
      ImportPlan p = plan == null ? ImportPlan.NONE : plan;
      return new RecordsImportStatus(
          at,
          durationMs,
          error == null ? RecordsImportStatus.OK : RecordsImportStatus.FAILED,
          error,
          candidates,
          malformed,
          distinct,
          p.alreadyRegistered(),
          p.knownInvalid(),
          added.size(),
          invalid.size(),
          p.held().size(),
          p.heldBy(),
          registry,
          added,
          invalid,
          p.held().stream().map(q -> oneLine(q.expr())).toList());
    }
  }

  private void importReports(RecordsAutoImport cfg, TermMemory memory, Fence fence, Outcome o)
      throws IOException {
    QueryReports.All all = QueryReports.read(kv, layout);
    all.problems()
        .forEach((key, why) -> log.warn("[records-auto] unreadable report {}: {}", key, why));
    Map<String, QueryReport> reports = new TreeMap<>();
    all.reports().forEach((node, read) -> reports.put(node, read.report()));
    CandidateGathering.Gathered gathered =
        CandidateGathering.gather(reports, cfg.minDuration(), memory.carried);
    o.candidates = gathered.perNode();
    o.distinct = gathered.queries().size();
    all.reports()
        .forEach(
            (node, read) -> {
              if (read.report().malformed() > 0) {
                o.malformed.put(node, read.report().malformed());
              }
              Long before = memory.counted.put(node, read.modifyIndex());
              if (before == null || before != read.modifyIndex()) {
                metrics.candidates(node, gathered.perNode().getOrDefault(node, 0));
              }
            });

    RegistrySnapshot registry = new Registry(kv, txn, layout).read();
    o.registry = registry.size();
    ImportPlan plan =
        ImportPlan.plan(
            gathered.queries(),
            naming::name,
            registry::contains,
            memory.refused::contains,
            registry.size(),
            cfg.maxNewPerInterval(),
            cfg.maxTotal());
    o.plan = plan;
    int newlyHeld = memory.hold(plan.held());
    metrics.rejected(AutoImportMetrics.OVER_LIMIT, newlyHeld);
    metrics.held(plan.held().size());
    if (!plan.held().isEmpty()) {
      log.warn(
          "[records-auto] {} candidates held back by {} ({} new per interval, {} in all; the"
              + " registry holds {}), retried when there is room; first: {}",
          plan.held().size(),
          plan.heldBy(),
          cfg.maxNewPerInterval(),
          cfg.maxTotal(),
          registry.size(),
          plan.held().subList(0, Math.min(3, plan.held().size())).stream()
              .map(q -> oneLine(q.expr()))
              .toList());
    }
    // Redis is given the whole registry at the start of a term and after a failed write
    boolean repairRedis = cfg.redis() != null && memory.redisRepair;
    if (plan.admitted().isEmpty() && !repairRedis) {
      return;
    }
    ImportReport report;
    try {
      report = importAdmitted(cfg, fence, plan, repairRedis);
    } catch (IOException | RuntimeException e) {
      memory.carry(plan.admitted()); // tried again next run, even if no report names them then
      throw e;
    }
    o.registry = report.registrySize();
    report
        .registration()
        .added()
        .forEach(
            (index, rule) ->
                o.added.add(
                    "records/" + index + " " + rule.record() + " = " + oneLine(rule.expr())));
    for (Rejected r : report.invalid()) {
      if (!r.record().isEmpty()) {
        memory.refused.add(r.record(), r.reason());
      }
      o.invalid.add(
          (r.record().isEmpty() ? "" : r.record() + " ")
              + oneLine(r.expr())
              + ": "
              + oneLine(r.reason()));
    }
    metrics.added(report.added());
    metrics.rejected(AutoImportMetrics.INVALID, report.invalid().size());
    if (!report.failures().isEmpty()) {
      memory.redisRepair = cfg.redis() != null;
      throw new IOException(String.join("; ", report.failures()));
    }
    memory.redisRepair = false;
  }

  /** The same import as {@code records import}, of the admitted candidates. */
  private ImportReport importAdmitted(
      RecordsAutoImport cfg, Fence fence, ImportPlan plan, boolean repairRedis) throws IOException {
    ParsedInput input =
        ReportInput.of(plan.admitted().stream().map(ReportedQuery::expr).toList(), naming);
    ImportRequest req =
        new ImportRequest(
            ImportRequest.Source.REPORTS,
            null,
            null,
            naming,
            // nothing new: Redis is repaired, the archive has nothing new to say
            plan.admitted().isEmpty() ? null : cfg.archiveDir(),
            redisUrl(cfg),
            cfg.redisSet(),
            repairRedis,
            Optional.of(promtool(cfg)),
            false,
            false);
    return new RecordImport(kv, txn, layout, clock, fence).run(input, req);
  }

  private URI redisUrl(RecordsAutoImport cfg) {
    if (cfg.redis() == null) {
      return null;
    }
    return RedisPassword.apply(
        cfg.redis(),
        "records_redis",
        cfg.redisPasswordFile(),
        "records_redis_password_file",
        cfg.redisPasswordEnv(),
        env);
  }

  /** promtool as configured, else on PATH; the automatic import never registers unchecked. */
  private static Path promtool(RecordsAutoImport cfg) {
    if (cfg.promtool() != null) {
      if (!Files.isRegularFile(cfg.promtool()) || !Files.isExecutable(cfg.promtool())) {
        throw new IllegalArgumentException(
            "records_promtool: not an executable file: " + cfg.promtool());
      }
      return cfg.promtool();
    }
    return PromtoolCheck.locate(null)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "promtool not found on PATH: install Prometheus' promtool or set"
                        + " records_promtool; queries are never registered unchecked"));
  }

  private static String oneLine(String s) {
    String line = s.replace("\n", "\\n");
    return line.length() > EXPR_CHARS ? line.substring(0, EXPR_CHARS) + "..." : line;
  }
}

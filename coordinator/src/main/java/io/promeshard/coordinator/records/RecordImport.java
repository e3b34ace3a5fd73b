package io.promeshard.coordinator.records;

import io.promeshard.coordinator.config.Settings;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@code records import}: read the input, check the expressions with promtool (unless the
 * request says not to), register the new ones in Consul, then write the archive and export to
 * Redis. Input and settings problems are IllegalArgumentExceptions (or ProtocolExceptions) raised
 * before anything is written; Consul failures are IOExceptions; archive and Redis failures, which
 * happen after the registry was written, are reported in {@link ImportReport#failures()}.
 */
public final class RecordImport {
  private static final Logger log = LoggerFactory.getLogger(RecordImport.class);
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(10);

  private final KvClient kv;
  private final KvLayout layout;
  private final Registry registry;
  private final Clock clock;

  public RecordImport(KvClient kv, TxnWriter txn, KvLayout layout, Clock clock) {
    this(kv, txn, layout, clock, Fence.NONE);
  }

  /**
   * An import whose registry writes carry {@code fence}: the active coordinator's, so that a
   * deposed one cannot register (its write fails with {@link
   * io.promeshard.protocol.consul.TxnRejectedException#fencingLost()}).
   */
  public RecordImport(KvClient kv, TxnWriter txn, KvLayout layout, Clock clock, Fence fence) {
    this.kv = kv;
    this.layout = layout;
    this.registry = new Registry(kv, txn, layout, fence);
    this.clock = clock;
  }

  public ImportReport run(ImportRequest req) throws IOException {
    if (req.source() == ImportRequest.Source.REPORTS) {
      throw new IllegalArgumentException("an import of reports needs its input: run(input, req)");
    }
    ParsedInput input =
        req.source() == ImportRequest.Source.QUERY_LOG
            ? QueryLogReader.read(req.file(), req.minDuration(), req.naming())
            : ExprListReader.read(req.file(), req.naming());
    return run(input, req);
  }

  /** Imports {@code input} (already read) as {@code req} says: check, register, archive, export. */
  public ImportReport run(ParsedInput input, ImportRequest req) throws IOException {
    Settings settings = req.archiveDir() == null ? null : settings();
    if (req.archiveDir() != null
        && Files.exists(req.archiveDir())
        && !Files.isDirectory(req.archiveDir())) {
      throw new IllegalArgumentException("--archive-dir: not a directory: " + req.archiveDir());
    }
    RedisExport redis =
        req.redis() == null ? null : new RedisExport(req.redis(), req.redisSetKey(), REDIS_TIMEOUT);

    List<Rejected> invalid = new ArrayList<>(input.invalid());
    List<RecordRule> valid = new ArrayList<>();
    String check = check(req.promtool(), input.candidates(), invalid, valid);
    invalid.sort(Comparator.comparingLong(Rejected::line));

    Registration reg = req.dryRun() ? registry.plan(valid) : registry.register(valid);
    RegistrySnapshot after = registry.read();
    List<String> failures = new ArrayList<>();
    Path archive = null;
    if (settings != null && !req.dryRun()) {
      try {
        archive =
            RuleArchive.write(
                req.archiveDir(),
                settings.recordGroup(),
                settings.recordInterval(),
                after.inIndexOrder(),
                LocalDate.now(clock));
        log.info("[records] archive {}: {} rules", archive, after.size());
      } catch (IOException | RuntimeException e) {
        failures.add(e.getMessage());
      }
    }
    String redisLine = null;
    if (redis != null && !req.dryRun()) {
      Map<String, String> pairs = new LinkedHashMap<>();
      (req.redisAll() ? after.rules().values() : reg.added().values())
          .forEach(r -> pairs.put(r.record(), r.expr()));
      String where = RedisExport.redacted(req.redis());
      try {
        RedisExport.Result r = redis.write(pairs);
        redisLine =
            r.pairs()
                + " pairs written to "
                + where
                + ", "
                + r.addedToSet()
                + " names added to set "
                + redis.setKey()
                + " ("
                + r.setSize()
                + " members)";
      } catch (IOException e) {
        redisLine = "not written";
        failures.add(
            e.getMessage()
                + " (the registry in Consul is up to date; rerun with --redis-all to repair Redis)");
      }
    }
    return new ImportReport(
        input,
        invalid,
        check,
        reg,
        after.size(),
        after.nextIndex(),
        after.problems(),
        archive,
        redisLine,
        failures,
        req.dryRun());
  }

  /** Splits candidates into valid and invalid; returns the line describing the check. */
  private static String check(
      Optional<Path> promtool,
      List<Candidate> candidates,
      List<Rejected> invalid,
      List<RecordRule> valid)
      throws IOException {
    if (promtool.isEmpty()) {
      candidates.forEach(c -> valid.add(c.rule()));
      log.warn(
          "[records] --no-check: {} expressions registered without a syntax check; one Prometheus "
              + "rejects holds back rule updates on the node it lands on until it is dropped",
          candidates.size());
      return "not checked (--no-check): "
          + candidates.size()
          + " expressions taken without a syntax check";
    }
    PromtoolCheck checker = new PromtoolCheck(promtool.get());
    Map<String, String> refused =
        checker.invalid(candidates.stream().map(Candidate::rule).toList());
    for (Candidate c : candidates) {
      String error = refused.get(c.record());
      if (error == null) {
        valid.add(c.rule());
      } else {
        invalid.add(new Rejected(c.line(), c.record(), c.expr(), error));
      }
    }
    return candidates.size()
        + " expressions checked with "
        + promtool.get()
        + " ("
        + checker.runs()
        + " run"
        + (checker.runs() == 1 ? "" : "s")
        + "), "
        + refused.size()
        + " refused";
  }

  private Settings settings() throws IOException {
    Optional<KvEntry> e = kv.get(layout.settings());
    if (e.isEmpty() || e.get().size() == 0) {
      return Settings.DEFAULTS;
    }
    return Json.decode(layout.settings(), e.get().value(), Settings.class);
  }
}

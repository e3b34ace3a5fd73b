package io.promeshard.coordinator.records;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.TxnOp;
import io.promeshard.protocol.consul.TxnRejectedException;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexed registry of recording rules in Consul: {@code records/<index>} holds {@code
 * {"record","expr"}}, and the counter key {@code records-next-index} (beside {@code records/}, not
 * in it) holds the next index to hand out, so an index is never handed out twice, even after its
 * record was deleted.
 *
 * <p>Each transaction sets the counter with check-and-set on the ModifyIndex it read (create-only
 * when it was absent) together with the new {@code records/<index>} keys, all or nothing. It
 * therefore commits only if no other import committed since this one read the registry: concurrent
 * imports cannot hand out an index twice, and cannot both add an expression, because the loser
 * re-reads (and then finds the winner's records) before it retries. The record keys are plain sets,
 * not create-only: every index below the counter was handed out by the counter, and the first index
 * handed out is past every key present when the registry was read; a create-only op per record
 * would add nothing under this protocol, and make a conflict report one error per record. Consul
 * errors are IOExceptions; a counter that is not a positive integer is a ProtocolException naming
 * the key.
 */
public final class Registry {
  private static final Logger log = LoggerFactory.getLogger(Registry.class);

  /** Limits of one transaction and of retrying; defaults suit Consul 1.8 (64 ops, 512 KiB body). */
  record Tuning(int maxRecordsPerTxn, int maxTxnBytes, int maxConflicts, RetryPolicy backoff) {
    static final Tuning DEFAULTS =
        new Tuning(
            63,
            400 * 1024,
            50,
            RetryPolicy.fullJitter(Duration.ofMillis(10), Duration.ofMillis(500)));

    Tuning {
      if (maxRecordsPerTxn < 1 || maxRecordsPerTxn > 63) {
        throw new IllegalArgumentException(
            "maxRecordsPerTxn: expected 1..63, found " + maxRecordsPerTxn);
      }
    }
  }

  private final KvClient kv;
  private final TxnWriter txn;
  private final KvLayout layout;
  private final Tuning tuning;
  private final Fence fence;

  public Registry(KvClient kv, TxnWriter txn, KvLayout layout) {
    this(kv, txn, layout, Fence.NONE);
  }

  /**
   * A registry whose transactions carry {@code fence} (the active coordinator's): once the lock is
   * lost, a registration fails at once with a TxnRejectedException whose {@code fencingLost()} is
   * true.
   */
  public Registry(KvClient kv, TxnWriter txn, KvLayout layout, Fence fence) {
    this(kv, txn, layout, Tuning.DEFAULTS, fence);
  }

  Registry(KvClient kv, TxnWriter txn, KvLayout layout, Tuning tuning) {
    this(kv, txn, layout, tuning, Fence.NONE);
  }

  private Registry(KvClient kv, TxnWriter txn, KvLayout layout, Tuning tuning, Fence fence) {
    this.kv = kv;
    this.txn = txn;
    this.layout = layout;
    this.tuning = tuning;
    this.fence = fence;
  }

  public static String counterKey(KvLayout layout) {
    return layout.recordsNextIndex();
  }

  /**
   * One recursive read of {@code records/} and the counter (a single GET, hence one consistent
   * view).
   */
  public RegistrySnapshot read() throws IOException {
    String dir = layout.recordsDir();
    String counterKey = counterKey(layout);
    // "<prefix>records" matches both "<prefix>records/..." and "<prefix>records-next-index"
    List<KvEntry> entries = kv.list(dir.substring(0, dir.length() - 1), 0, Duration.ZERO).value();
    Map<Long, RecordRule> rules = new TreeMap<>();
    Map<String, String> problems = new TreeMap<>();
    long maxIndex = 0;
    long counter = 0;
    long counterModify = 0;
    for (KvEntry e : entries) {
      if (e.key().equals(counterKey)) {
        counter = parseCounter(e);
        counterModify = e.modifyIndex();
        continue;
      }
      if (!e.key().startsWith(dir) || e.key().equals(dir)) {
        continue; // another key sharing the prefix, or the folder key the Consul UI creates
      }
      OptionalLong parsed = layout.recordIndex(e.key());
      if (parsed.isEmpty()) {
        problems.put(e.key(), "not records/<index>");
        continue;
      }
      long index = parsed.getAsLong();
      maxIndex = Math.max(maxIndex, index);
      try {
        rules.put(index, Json.decode(e.key(), e.value(), RecordRule.class));
      } catch (ProtocolException ex) {
        problems.put(e.key(), ex.getMessage());
      }
    }
    return new RegistrySnapshot(rules, problems, maxIndex, counter, counterModify);
  }

  private static long parseCounter(KvEntry e) {
    String v = e.valueUtf8().strip();
    OptionalLong counter = KvLayout.parseRecordIndex(v);
    if (counter.isEmpty()) {
      throw new ProtocolException(
          e.key()
              + ": expected the next free record index (a positive integer), found \""
              + v
              + "\"; fix it (at least the highest records/<index> + 1) or delete it");
    }
    return counter.getAsLong();
  }

  /** What {@link #register} would do now, without writing. */
  public Registration plan(List<RecordRule> rules) throws IOException {
    RegistrySnapshot snap = read();
    Map<Long, RecordRule> added = new TreeMap<>();
    List<RecordRule> already = new ArrayList<>();
    long next = snap.nextIndex();
    for (RecordRule r : unique(rules).values()) {
      if (snap.contains(r.record())) {
        already.add(r);
      } else {
        added.put(next++, r);
      }
    }
    return Registration.of(added, already);
  }

  /** Adds the rules not registered yet (by record name) at the next indices, in the given order. */
  public Registration register(List<RecordRule> rules) throws IOException {
    Map<String, RecordRule> pending = unique(rules);
    Map<Long, RecordRule> added = new TreeMap<>();
    int transactions = 0;
    int conflicts = 0;
    while (true) {
      RegistrySnapshot snap = read();
      pending.keySet().removeIf(snap::contains);
      if (pending.isEmpty()) {
        break;
      }
      List<RecordRule> chunk = chunk(pending);
      long first = snap.nextIndex();
      try {
        txn.write(fence, ops(snap, first, chunk));
      } catch (TxnRejectedException e) {
        if (e.fencingLost()
            || e.errors().stream()
                .anyMatch(
                    err -> err.what().toLowerCase(Locale.ROOT).contains("permission denied"))) {
          throw e;
        }
        conflicts++;
        if (conflicts > tuning.maxConflicts()) {
          throw new IOException(
              "records: gave up after "
                  + conflicts
                  + " conflicting concurrent writes to "
                  + layout.recordsDir()
                  + " (last: "
                  + e.getMessage()
                  + ")",
              e);
        }
        Duration delay = tuning.backoff().delay(conflicts);
        log.warn(
            "[records] {}: registry changed since it was read (conflict {}); re-reading in {} ms",
            layout.recordsDir(),
            conflicts,
            delay.toMillis());
        sleep(delay);
        continue;
      }
      transactions++;
      for (int i = 0; i < chunk.size(); i++) {
        added.put(first + i, chunk.get(i));
        pending.remove(chunk.get(i).record());
      }
      log.info(
          "[records] {}: registered {} rule(s) at indices {}..{}",
          layout.recordsDir(),
          chunk.size(),
          first,
          first + chunk.size() - 1);
    }
    Set<String> ours = new HashSet<>();
    added.values().forEach(r -> ours.add(r.record()));
    List<RecordRule> already =
        unique(rules).values().stream().filter(r -> !ours.contains(r.record())).toList();
    return new Registration(new TreeMap<>(added), already, transactions, conflicts);
  }

  private List<TxnOp> ops(RegistrySnapshot snap, long first, List<RecordRule> chunk) {
    List<TxnOp> ops = new ArrayList<>(chunk.size() + 1);
    byte[] next = Long.toString(first + chunk.size()).getBytes(StandardCharsets.US_ASCII);
    ops.add(TxnOp.cas(counterKey(layout), next, snap.counterModifyIndex()));
    for (int i = 0; i < chunk.size(); i++) {
      ops.add(TxnOp.set(layout.record(first + i), Json.encode(chunk.get(i))));
    }
    return ops;
  }

  /**
   * The next rules that fit one transaction together with the counter op (one Consul txn batch).
   */
  private List<RecordRule> chunk(Map<String, RecordRule> pending) {
    List<RecordRule> out = new ArrayList<>();
    long bytes = 256;
    for (RecordRule r : pending.values()) {
      long size = estimate(r);
      if (out.size() == tuning.maxRecordsPerTxn()
          || (!out.isEmpty() && bytes + size > tuning.maxTxnBytes())) {
        break;
      }
      out.add(r);
      bytes += size;
    }
    return out;
  }

  /**
   * An upper bound of the op's JSON size in the txn body: base64 value, key possibly escaped, field
   * names.
   */
  private long estimate(RecordRule r) {
    long value = Json.encode(r).length;
    long key = layout.recordsDir().getBytes(StandardCharsets.UTF_8).length + 20L;
    return 4 * ((value + 2) / 3) + 6 * key + 96;
  }

  /** The rules by record name, first one wins, in the given order. */
  private static Map<String, RecordRule> unique(List<RecordRule> rules) {
    Map<String, RecordRule> out = new LinkedHashMap<>();
    rules.forEach(r -> out.putIfAbsent(r.record(), r));
    return out;
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry a records registration");
    }
  }
}

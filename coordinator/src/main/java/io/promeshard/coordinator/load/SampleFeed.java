package io.promeshard.coordinator.load;

import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.SampleReports;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.lifecycle.Lifecycle;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' sample reports ({@code reports/<node>/samples}) as the {@link ObservedLoad} the
 * dispatcher places by: on a thread of its own, every {@code every} ({@code load_read_interval},
 * read at each pause) while {@code wanted} says so (this process leads and {@code load_aware} is
 * on), one recursive read of {@code reports/}, merged into one immutable map ({@link
 * SampleReports#samplesByTarget}: a target two servers report counts the later measurement). When
 * the map changed, or {@code pending} says earlier changes wait for move budget, it calls {@code
 * dispatch} so that a dispatch takes them, since nothing else may be changing. A report that cannot
 * be read is logged once (until it changes) and left out; its server's targets keep their last
 * cost. A failed read keeps the last map and is retried.
 */
public final class SampleFeed extends Lifecycle implements ObservedLoad {
  private static final Logger log = LoggerFactory.getLogger(SampleFeed.class);

  /**
   * While not wanted (nothing is read), how soon the feed looks again: turning {@code load_aware}
   * on, or this process becoming leader, is followed within this rather than within a whole read
   * interval (30 s before the settings are first read).
   */
  static final Duration IDLE_CHECK = Duration.ofSeconds(1);

  private final KvClient kv;
  private final KvLayout layout;
  private final Supplier<Duration> every;
  private final BooleanSupplier wanted;
  private final BooleanSupplier pending;
  private final Runnable dispatch;
  private volatile Map<String, Long> samples = Map.of();
  private Set<String> reported = new TreeSet<>();
  private boolean failing;

  public SampleFeed(
      KvClient kv,
      KvLayout layout,
      Supplier<Duration> every,
      BooleanSupplier wanted,
      BooleanSupplier pending,
      Runnable dispatch) {
    super("load-samples", Duration.ofSeconds(5));
    this.kv = kv;
    this.layout = layout;
    this.every = every;
    this.wanted = wanted;
    this.pending = pending;
    this.dispatch = dispatch;
  }

  @Override
  public SampleFeed start() {
    super.start();
    return this;
  }

  @Override
  public Map<String, Long> samples() {
    return samples;
  }

  @Override
  protected void run() {
    while (isRunning()) {
      step(this::tick);
      if (!pause(nextPause())) {
        return;
      }
    }
  }

  /** The read interval while wanted; while not, at most {@link #IDLE_CHECK}. */
  private Duration nextPause() {
    Duration read = every.get();
    return wanted.getAsBoolean() || read.compareTo(IDLE_CHECK) <= 0 ? read : IDLE_CHECK;
  }

  private void tick() {
    if (!wanted.getAsBoolean()) {
      if (!samples.isEmpty()) {
        samples = Map.of(); // the next leader, or load_aware turned on again, reads afresh
        reported = new TreeSet<>();
      }
      return;
    }
    Map<String, Long> next;
    try {
      next = read();
    } catch (IOException e) {
      if (!failing) {
        log.warn(
            "[load] cannot read the agents' sample reports, keeping the last: {}", e.getMessage());
      }
      failing = true;
      return;
    }
    if (failing) {
      log.info("[load] sample reports readable again");
      failing = false;
    }
    if (!next.equals(samples)) {
      samples = next;
      dispatch.run();
    } else if (pending.getAsBoolean()) {
      dispatch.run();
    }
  }

  private Map<String, Long> read() throws IOException {
    Map<String, byte[]> values = new HashMap<>();
    for (KvEntry e : kv.list(layout.reportsDir(), 0, Duration.ZERO).value()) {
      values.put(e.key(), e.value());
    }
    SampleReports reports = SampleReports.read(layout, values);
    Set<String> problems = new TreeSet<>();
    reports
        .errors()
        .forEach(
            (key, why) -> {
              String line = key + ": " + why;
              problems.add(line);
              if (!reported.contains(line)) {
                log.warn("[load] sample report left out (its targets keep their cost): {}", line);
              }
            });
    reported = problems;
    return Map.copyOf(reports.samplesByTarget());
  }
}

package io.promeshard.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.run.AgentFixture;
import io.promeshard.agent.run.SharePublisher;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.testkit.ConsulExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A share over the watch's budget is reported, never held, and a share that fits is read again. */
class ShareWatchBudgetTest {
  private static final String NODE = "w1";

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private final BlockingQueue<Snapshot> seen = new LinkedBlockingQueue<>();
  private ConsulHttp http;
  private ShareWatch watch;
  private Snapshot last;

  @AfterEach
  void close() {
    if (watch != null) {
      watch.close();
    }
    if (http != null) {
      http.close();
    }
  }

  @Test
  void aShareOverTheBudgetIsTooLargeUntilItFitsAgain() throws Exception {
    consul.clearKv();
    SharePublisher kv = new SharePublisher(consul.url());
    kv.publish(NODE, share(10), 1);
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    ShareBudget budget = new ShareBudget(100_000, 64L << 20);
    watch =
        new ShareWatch(
                new KvClient(http),
                new SnapshotReader(kv.layout(), NODE),
                AgentFixture.fastTuning().watch(),
                new SnapshotListener() {
                  @Override
                  public void onSnapshot(Snapshot snapshot, long index) {
                    seen.add(snapshot);
                  }
                },
                budget)
            .start();
    assertEquals(
        1, assertInstanceOf(Snapshot.Complete.class, next(), this::described).generation());

    kv.publish(NODE, share(5_000), 2);
    Snapshot.TooLarge big = assertInstanceOf(Snapshot.TooLarge.class, next(), this::described);
    assertEquals(100_000, big.limitBytes());
    assertTrue(big.replyBytes() > 100_000, big.toString());
    assertTrue(big.error().contains("prome-shard/nodes/w1/ is "), big.error());

    kv.publish(NODE, share(20), 3);
    assertEquals(
        3,
        assertInstanceOf(Snapshot.Complete.class, nextComplete(3), this::described).generation());

    // a stray value makes the directory too large; once it is gone the reply is the one read
    // before, which the watch alone would skip as unchanged: it is handed on again
    kv.putRaw(kv.layout().nodeDir(NODE) + "stray", new byte[200_000]);
    assertInstanceOf(Snapshot.TooLarge.class, next(), this::described);
    kv.kv().delete(kv.layout().nodeDir(NODE) + "stray");
    assertEquals(
        3,
        assertInstanceOf(Snapshot.Complete.class, nextComplete(3), this::described).generation());
  }

  private Snapshot next() throws InterruptedException {
    Snapshot s = seen.poll(30, TimeUnit.SECONDS);
    assertNotNull(s, "no snapshot within 30 s");
    last = s;
    return s;
  }

  /** The snapshot an assertion looked at, for its message. */
  private String described() {
    return "got " + last;
  }

  /**
   * The next snapshot that is neither TooLarge (the too-large read is retried until it fits) nor
   * incomplete for an older generation than {@code generation}: this publisher writes a
   * generation's parts before its manifest, so a read in between finds the older manifest's parts
   * replaced.
   */
  private Snapshot nextComplete(long generation) throws InterruptedException {
    Snapshot s = next();
    while (s instanceof Snapshot.TooLarge
        || (s instanceof Snapshot.Incomplete i && i.generation() < generation)) {
      s = next();
    }
    return s;
  }

  private static NodeShare share(int targets) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int i = 0; i < targets; i++) {
      groups.add(TargetGroup.of("10.1." + (i / 250) + "." + (i % 250) + ":9100", Map.of()));
    }
    return new NodeShare(Map.of("web", groups), Map.of());
  }
}

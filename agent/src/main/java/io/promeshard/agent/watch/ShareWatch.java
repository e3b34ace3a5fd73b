package io.promeshard.agent.watch;

import io.promeshard.protocol.consul.BlockingWatch;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.KvWatch;
import io.promeshard.protocol.consul.WatchListener;
import io.promeshard.protocol.consul.WatchOptions;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recursive blocking query on this node's directory ({@code nodes/<node>/}), each changed read
 * turned into a {@link Snapshot} for the listener. Consul being unreachable is retried forever with
 * capped, jittered backoff by the protocol's watch loop; this class never gives up on its own.
 */
public final class ShareWatch implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ShareWatch.class);

  private final BlockingWatch<List<KvEntry>> watch;

  public ShareWatch(
      KvClient kv, SnapshotReader reader, WatchOptions options, SnapshotListener listener) {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(listener, "listener");
    String dir = reader.nodeDir();
    this.watch =
        KvWatch.of(
            kv,
            dir,
            new WatchListener<>() {
              @Override
              public void onChange(List<KvEntry> entries, long index) {
                Snapshot s = reader.read(entries);
                log.debug(
                    "[watch] {}: index {}: {} keys -> {}",
                    dir,
                    index,
                    entries.size(),
                    s.getClass().getSimpleName());
                listener.onSnapshot(s, index);
              }

              @Override
              public void onError(Exception error, int attempt, Duration retryIn) {
                listener.onError(error, attempt, retryIn);
              }

              @Override
              public void onRecovered() {
                listener.onRecovered();
              }
            },
            options);
  }

  /** Starts the query loop on its own thread; IllegalStateException when started twice. */
  public ShareWatch start() {
    watch.start();
    return this;
  }

  public boolean isAlive() {
    return watch.isAlive();
  }

  @Override
  public void close() {
    watch.close();
  }
}

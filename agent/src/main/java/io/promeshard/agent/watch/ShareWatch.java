package io.promeshard.agent.watch;

import io.promeshard.protocol.consul.BlockingWatch;
import io.promeshard.protocol.consul.ConsulResponse;
import io.promeshard.protocol.consul.Fetcher;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.KvWatch;
import io.promeshard.protocol.consul.ReplyTooLargeException;
import io.promeshard.protocol.consul.WatchListener;
import io.promeshard.protocol.consul.WatchOptions;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recursive blocking query on this node's directory ({@code nodes/<node>/}), each changed read
 * turned into a {@link Snapshot} for the listener. Consul being unreachable is retried forever with
 * capped, jittered backoff by the protocol's watch loop; this class never gives up on its own. A
 * reply larger than the {@link ShareBudget} is never held: it becomes a {@link Snapshot.TooLarge}
 * for the listener and is read again with the same backoff.
 */
public final class ShareWatch implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ShareWatch.class);

  private final BlockingWatch<ShareRead> watch;

  /** A watch whose share may be as large as this process's heap allows ({@link ShareBudget}). */
  public ShareWatch(
      KvClient kv, SnapshotReader reader, WatchOptions options, SnapshotListener listener) {
    this(kv, reader, options, listener, ShareBudget.ofThisProcess());
  }

  public ShareWatch(
      KvClient kv,
      SnapshotReader reader,
      WatchOptions options,
      SnapshotListener listener,
      ShareBudget budget) {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(budget, "budget");
    String dir = reader.nodeDir();
    this.watch =
        new BlockingWatch<>(
            dir,
            fetcher(KvWatch.fetcher(kv, dir, budget.maxReplyBytes())),
            new WatchListener<ShareRead>() {
              @Override
              public void onChange(ShareRead read, long index) {
                Snapshot s = reader.read(read);
                log.debug("[watch] {}: index {} -> {}", dir, index, s.getClass().getSimpleName());
                listener.onSnapshot(s, index);
              }

              @Override
              public void onError(Exception error, int attempt, Duration retryIn) {
                if (error instanceof ReplyTooLargeException big) {
                  // Consul answered: a share this heap cannot hold is the share's problem, reported
                  // in the node's status; the read is retried with backoff until the share shrinks
                  listener.onSnapshot(
                      new Snapshot.TooLarge(
                          big.bytes(), big.limit(), budget.tooLarge(dir, big.bytes())),
                      0);
                  return;
                }
                listener.onError(error, attempt, retryIn);
              }

              @Override
              public void onRecovered() {
                listener.onRecovered();
              }
            },
            options);
  }

  /**
   * Each read of the directory as a {@link ShareRead}, compared by digest. A read after a too-large
   * one never equals the read before it: the listener was told "too large" since, so even the very
   * share it had is news again.
   */
  private static Fetcher<ShareRead> fetcher(Fetcher<List<KvEntry>> entries) {
    return new Fetcher<>() {
      private long tooLargeSeen;

      @Override
      public ConsulResponse<ShareRead> fetch(long index, Duration wait) throws IOException {
        ConsulResponse<List<KvEntry>> r;
        try {
          r = entries.fetch(index, wait);
        } catch (ReplyTooLargeException e) {
          tooLargeSeen++;
          throw e;
        }
        return new ConsulResponse<>(ShareRead.of(r.value(), tooLargeSeen), r.index());
      }

      @Override
      public void cancel() {
        entries.cancel();
      }
    };
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

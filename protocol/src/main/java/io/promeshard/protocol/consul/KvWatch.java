package io.promeshard.protocol.consul;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A recursive blocking watch of one KV prefix, delivering the whole list of entries under it (empty
 * when none); entries compare by content, so an unchanged prefix is not delivered twice. Errors are
 * retried by the underlying {@link BlockingWatch}.
 */
public final class KvWatch {
  private KvWatch() {}

  /**
   * A not yet started watch of {@code prefix}; call {@code start()} on it, {@code close()} when
   * done.
   */
  public static BlockingWatch<List<KvEntry>> of(
      KvClient kv, String prefix, WatchListener<List<KvEntry>> listener, WatchOptions options) {
    return new BlockingWatch<>(prefix, fetcher(kv, prefix), listener, options);
  }

  /** The cancellable fetcher behind {@link #of}: one recursive GET of {@code prefix} per call. */
  public static Fetcher<List<KvEntry>> fetcher(KvClient kv, String prefix) {
    return fetcher(kv, prefix, Long.MAX_VALUE);
  }

  /**
   * As {@link #fetcher(KvClient, String)}; a reply over {@code maxBodyBytes} fails the fetch with a
   * {@link ReplyTooLargeException} (retried like any error).
   */
  public static Fetcher<List<KvEntry>> fetcher(KvClient kv, String prefix, long maxBodyBytes) {
    CallHandle handle = new CallHandle();
    return new Fetcher<>() {
      @Override
      public ConsulResponse<List<KvEntry>> fetch(long index, Duration wait) throws IOException {
        return kv.list(prefix, index, wait, handle, maxBodyBytes);
      }

      @Override
      public void cancel() {
        handle.cancel();
      }

      @Override
      public ConsulReachability reachability() {
        return kv.http().reachability();
      }
    };
  }
}

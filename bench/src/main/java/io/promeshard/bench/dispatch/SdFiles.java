package io.promeshard.bench.dispatch;

import io.promeshard.coordinator.config.FileSourceSpec;
import io.promeshard.coordinator.source.DefaultSourceFactory;
import io.promeshard.coordinator.source.TargetSource;
import io.promeshard.protocol.TargetGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/** Times the coordinator's file source on the file_sd files the dispatch benchmark reads. */
final class SdFiles {
  private SdFiles() {}

  /**
   * Milliseconds from starting a fresh file source to its first complete result, {@code runs}
   * times.
   */
  static double[] timeRead(String pattern, int expectedTargets, int runs, Duration timeout) {
    DefaultSourceFactory factory = new DefaultSourceFactory(new OkHttpClient(), null);
    FileSourceSpec spec = new FileSourceSpec(List.of(pattern), null);
    double[] ms = new double[runs + 1];
    for (int r = 0;
        r < ms.length;
        r++) { // the first read warms the JIT and the page cache and is dropped
      BlockingQueue<List<TargetGroup>> results = new LinkedBlockingQueue<>();
      try (TargetSource source = factory.create("bench/file", spec)) {
        long t0 = System.nanoTime();
        source.start(
            new TargetSource.Listener() {
              @Override
              public void onTargets(List<TargetGroup> groups, int skipped) {
                results.add(groups);
              }

              @Override
              public void onError(Exception error) {
                results.add(List.of());
              }
            });
        List<TargetGroup> groups = results.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        ms[r] = (System.nanoTime() - t0) / 1e6;
        int count = groups == null ? -1 : groups.stream().mapToInt(g -> g.targets().size()).sum();
        if (count != expectedTargets) {
          throw new IllegalStateException(
              "file source read " + count + " targets, expected " + expectedTargets);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted timing the file source", e);
      }
    }
    return java.util.Arrays.copyOfRange(ms, 1, ms.length);
  }
}

package io.promeshard.bench.footprint;

import java.io.Closeable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a process's resident set every few milliseconds on its own thread, keeping the maximum.
 */
final class RssSampler implements Closeable {
  private final ProcStats proc;
  private final long everyMillis;
  private final AtomicLong maxKb = new AtomicLong();
  private final Thread thread;

  RssSampler(ProcStats proc, long everyMillis) {
    this.proc = proc;
    this.everyMillis = everyMillis;
    this.thread = new Thread(this::loop, "rss-sampler");
    this.thread.setDaemon(true);
  }

  RssSampler start() {
    thread.start();
    return this;
  }

  long maxKb() {
    return maxKb.get();
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long rss = proc.rssKb();
        maxKb.accumulateAndGet(rss, Math::max);
        Thread.sleep(everyMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // the process ended: stop sampling
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

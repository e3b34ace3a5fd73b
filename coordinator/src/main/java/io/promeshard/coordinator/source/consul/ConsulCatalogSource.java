package io.promeshard.coordinator.source.consul;

import io.promeshard.coordinator.config.ConsulSourceSpec;
import io.promeshard.coordinator.source.TargetSource;
import io.promeshard.protocol.consul.BlockingWatch;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.HealthClient;
import io.promeshard.protocol.consul.WatchListener;
import io.promeshard.protocol.consul.WatchOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches the passing instances of a Consul service with blocking queries ({@link BlockingWatch}:
 * index rules, pacing, retries with backoff) and reports every change; see {@link
 * ConsulHealthFetcher} for addresses and labels. A failed query is reported as an error and retried
 * until closed.
 */
public final class ConsulCatalogSource implements TargetSource {
  private final String name;
  private final ConsulHealthFetcher fetcher;
  private final WatchOptions options;
  private final AtomicReference<BlockingWatch<ConsulHealthFetcher.Instances>> watch =
      new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  public ConsulCatalogSource(
      String name, ConsulSourceSpec spec, ConsulHttp consul, WatchOptions options) {
    this.name = name;
    this.fetcher = new ConsulHealthFetcher(new HealthClient(consul), spec);
    this.options = options;
  }

  @Override
  public void start(Listener listener) {
    BlockingWatch<ConsulHealthFetcher.Instances> w =
        new BlockingWatch<>(
            "source " + name,
            fetcher,
            new WatchListener<>() {
              @Override
              public void onChange(ConsulHealthFetcher.Instances instances, long index) {
                listener.onTargets(instances.groups(), instances.skipped());
              }

              @Override
              public void onError(Exception error, int attempt, Duration retryIn) {
                listener.onError(error);
              }
            },
            options);
    if (closed.get() || !watch.compareAndSet(null, w)) {
      throw new IllegalStateException("source " + name + ": start called twice or after close");
    }
    w.start();
  }

  @Override
  public void close() {
    closed.set(true);
    BlockingWatch<ConsulHealthFetcher.Instances> w = watch.get();
    if (w != null) {
      w.close();
    }
  }
}

package io.promeshard.coordinator.source;

import io.promeshard.coordinator.config.ConsulSourceSpec;
import io.promeshard.coordinator.config.FileSourceSpec;
import io.promeshard.coordinator.config.HttpSdSourceSpec;
import io.promeshard.coordinator.config.ServiceTreeSourceSpec;
import io.promeshard.coordinator.config.SourceSpec;
import io.promeshard.coordinator.config.StaticSourceSpec;
import io.promeshard.coordinator.source.consul.ConsulCatalogSource;
import io.promeshard.coordinator.source.file.FileSource;
import io.promeshard.coordinator.source.httpsd.HttpSdSource;
import io.promeshard.coordinator.source.servicetree.ServiceTreeSource;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.WatchOptions;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * Creates the real source for each spec type: HTTP sources share {@code http}; Consul sources use
 * {@code consul} (which carries the token and TLS settings). Without a Consul connection a consul
 * spec throws IllegalArgumentException, which the manager records as that source's error.
 */
public final class DefaultSourceFactory implements SourceFactory {
  private final OkHttpClient http;
  private final ConsulHttp consul;
  private final WatchOptions watchOptions;

  /** {@code consul} may be null when no job uses a consul source. */
  public DefaultSourceFactory(OkHttpClient http, ConsulHttp consul) {
    this(http, consul, WatchOptions.defaults());
  }

  public DefaultSourceFactory(OkHttpClient http, ConsulHttp consul, WatchOptions watchOptions) {
    this.http = Objects.requireNonNull(http, "http");
    this.consul = consul;
    this.watchOptions = Objects.requireNonNull(watchOptions, "watchOptions");
  }

  @Override
  public TargetSource create(String name, SourceSpec spec) {
    if (spec instanceof StaticSourceSpec s) {
      return new StaticSource(s);
    } else if (spec instanceof FileSourceSpec f) {
      return new FileSource(name, f);
    } else if (spec instanceof HttpSdSourceSpec h) {
      return new HttpSdSource(name, h, http);
    } else if (spec instanceof ServiceTreeSourceSpec t) {
      return new ServiceTreeSource(name, t, http);
    } else if (spec instanceof ConsulSourceSpec c) {
      if (consul == null) {
        throw new IllegalArgumentException(
            "a consul source needs a Consul connection, and none is configured");
      }
      return new ConsulCatalogSource(name, c, consul, watchOptions);
    }
    throw new IllegalArgumentException("unsupported source type " + spec.type());
  }
}

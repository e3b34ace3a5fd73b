package io.promeshard.coordinator.source;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.promeshard.coordinator.config.SourceSpec;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A source factory whose sources report only what the test tells them to, from the test's thread.
 */
final class FakeSources implements SourceFactory {
  /** A source driven by the test. */
  static final class FakeSource implements TargetSource {
    final String name;
    final SourceSpec spec;
    private volatile Listener listener;
    volatile boolean closed;

    FakeSource(String name, SourceSpec spec) {
      this.name = name;
      this.spec = spec;
    }

    @Override
    public void start(Listener l) {
      listener = l;
    }

    @Override
    public void close() {
      closed = true;
    }

    void emit(TargetGroup... groups) {
      listener.onTargets(List.of(groups), 0);
    }

    void fail(String message) {
      listener.onError(new IOException(message));
    }
  }

  private final Map<String, List<FakeSource>> created = new ConcurrentHashMap<>();
  private final List<String> refuse = new CopyOnWriteArrayList<>();

  /** Makes {@code create} throw for sources of this name. */
  void refuse(String name) {
    refuse.add(name);
  }

  @Override
  public TargetSource create(String name, SourceSpec spec) {
    if (refuse.contains(name)) {
      throw new IllegalArgumentException("no backend for " + name);
    }
    FakeSource s = new FakeSource(name, spec);
    created.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(s);
    return s;
  }

  /** The latest source created under {@code name} ({@code job/index (type)}). */
  FakeSource latest(String name) {
    List<FakeSource> list = created.get(name);
    assertNotNull(list, "no source created as " + name + "; have " + created.keySet());
    return list.get(list.size() - 1);
  }

  int createdCount(String name) {
    List<FakeSource> list = created.get(name);
    return list == null ? 0 : list.size();
  }
}

package io.promeshard.coordinator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promeshard.coordinator.config.ConsulSourceSpec;
import io.promeshard.coordinator.config.SourceSpec;
import io.promeshard.protocol.TargetGroup;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class StaticSourceTest {
  @Test
  void reportsItsInlineGroupsOnceOnStart() throws Exception {
    SourceSpec spec =
        SourceSpec.parse(
            "config/jobs/web",
            ("{\"type\":\"static\",\"groups\":["
                    + "{\"targets\":[\"a:9100\",\"b:9100\"],\"labels\":{\"env\":\"prod\"}}]}")
                .getBytes(StandardCharsets.UTF_8));
    RecordingListener listener = new RecordingListener();
    try (TargetSource source =
        new DefaultSourceFactory(new OkHttpClient(), null).create("web/0 (static)", spec)) {
      source.start(listener);
      RecordingListener.Event e = listener.next();
      assertEquals(
          List.of(new TargetGroup(List.of("a:9100", "b:9100"), Map.of("env", "prod"))), e.groups());
      assertThrows(IllegalStateException.class, () -> source.start(listener));
    }
  }

  @Test
  void consulSpecWithoutConsulConnectionCannotBeCreated() {
    SourceFactory factory = new DefaultSourceFactory(new OkHttpClient(), null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                factory.create(
                    "web/0 (consul)", new ConsulSourceSpec("node-exporter", List.of(), null)));
    assertEquals(
        "a consul source needs a Consul connection, and none is configured", e.getMessage());
  }
}

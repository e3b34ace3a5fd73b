package io.promeshard.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.NodeManifest;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestOrderTest {
  private static NodeManifest manifest(long generation, long epoch) {
    return new NodeManifest(generation, epoch, Map.of(), "");
  }

  @Test
  void newerAndEqualManifestsAreInOrder() {
    ManifestOrder order = new ManifestOrder();
    assertEquals(Optional.empty(), order.see(manifest(1, 1)));
    assertEquals(Optional.empty(), order.see(manifest(1, 1)));
    assertEquals(Optional.empty(), order.see(manifest(2, 1)));
    assertEquals(Optional.empty(), order.see(manifest(3, 2)));
  }

  @Test
  void aLowerGenerationOrEpochIsARegressionNamingBoth() {
    ManifestOrder order = new ManifestOrder();
    order.see(manifest(5, 2));
    String lowerGeneration = order.see(manifest(4, 2)).orElseThrow();
    assertTrue(
        lowerGeneration.startsWith(
            "manifest epoch 2 generation 4 is older than epoch 2 generation 5"),
        lowerGeneration);
    order.see(manifest(9, 3));
    assertTrue(order.see(manifest(10, 1)).isPresent(), "a lower epoch");
    // counted from the last seen: the next one up is in order again
    assertEquals(Optional.empty(), order.see(manifest(11, 1)));
  }
}

package io.promeshard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promeshard.testkit.PackageLayers;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The agent's packages follow the data flow: config → watch → render → apply → observe → the
 * reporters (querylog, samples) → the rest.
 */
class PackageLayeringTest {
  private final PackageLayers layers =
      new PackageLayers(
          Paths.get("src/main/java"),
          "io.promeshard.agent",
          List.of(
              List.of("config"),
              List.of("watch"),
              List.of("render"),
              List.of("apply"),
              List.of("observe"),
              List.of("querylog", "samples"),
              List.of("register", "status", "run", "cli")));

  @Test
  void noPackageUsesALaterStageOfTheFlow() {
    assertEquals(List.of(), layers.violations());
  }

  @Test
  void configUsesNoOtherPackage() {
    assertEquals(Set.of(), layers.uses().get("config"));
  }
}

package io.promeshard.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promeshard.testkit.PackageLayers;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's packages follow the data flow: config → membership → source → shard → dispatch
 * → publish → the rest. One edge runs against the data: {@code dispatch/} drives {@code publish/},
 * the Consul edge that writes shares and reads them back, so in imports publish sits just below
 * dispatch and knows nothing of it. {@code web/} is the status page: a view on dispatch and publish
 * that the service ({@code run/}) serves and {@code cli/} shares.
 */
class PackageLayeringTest {
  private final PackageLayers layers =
      new PackageLayers(
          Paths.get("src/main/java"),
          "io.promeshard.coordinator",
          List.of(
              List.of("config"),
              List.of("membership"),
              List.of("source"),
              List.of("load"),
              List.of("shard"),
              List.of("publish"),
              List.of("dispatch"),
              List.of("web"),
              List.of("leader", "records", "run", "cli")));

  @Test
  void noPackageUsesALaterStageOfTheFlow() {
    assertEquals(List.of(), layers.violations());
  }

  @Test
  void configAndShardUseNothingOfDispatchPublishRunOrCli() {
    for (String early : List.of("config", "shard")) {
      Set<String> used = new TreeSet<>(layers.uses().getOrDefault(early, Set.of()));
      used.retainAll(Set.of("dispatch", "publish", "run", "cli"));
      assertEquals(Set.of(), used, early + " uses");
    }
  }

  @Test
  void publishKnowsNothingOfTheDispatchThatDrivesIt() {
    assertEquals(false, layers.uses().getOrDefault("publish", Set.of()).contains("dispatch"));
  }

  @Test
  void theShardingFunctionUsesNoOtherPackage() {
    assertEquals(Set.of(), layers.uses().get("shard"));
  }

  @Test
  void sourceTypesAreWiredOnlyByTheDefaultFactoryAndDoNotUseEachOther() {
    assertEquals(List.of("DefaultSourceFactory.java"), layers.filesUsingSubPackages("source"));
    assertEquals(List.of(), layers.crossReferencesBetweenSubPackages("source"));
  }
}

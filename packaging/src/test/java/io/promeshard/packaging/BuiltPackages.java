package io.promeshard.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The packages this module built into {@code target/}, found by name (the newest when several
 * builds left files); a missing one throws AssertionError saying how to build it.
 */
final class BuiltPackages {
  static final String AGENT = "prome-shard-agent";
  static final String COORDINATOR = "prome-shard-coordinator";

  private BuiltPackages() {}

  /** The Maven project version, e.g. {@code 0.1.0-SNAPSHOT}: what {@code --version} prints. */
  static String projectVersion() {
    return property("packaging.version");
  }

  static Path target() {
    return Paths.get(property("packaging.target"));
  }

  static Path aclDir() {
    return Paths.get(property("packaging.acl"));
  }

  static Path templatesDir() {
    return Paths.get(property("packaging.templates"));
  }

  /** The Prometheus alerting rules the coordinator package ships. */
  static Path alertingRules() {
    return Paths.get(property("packaging.alerts"));
  }

  /** The Grafana dashboard the coordinator package ships. */
  static Path dashboard() {
    return Paths.get(property("packaging.dashboard"));
  }

  /** This module's src/test/resources (the promtool unit tests of the alerting rules). */
  static Path testResources() {
    return Paths.get(property("packaging.test.resources"));
  }

  static Path deb(String name) {
    return newest(name + "_", "_all.deb");
  }

  static Path rpm(String name) {
    return newest(name + "-", ".noarch.rpm");
  }

  /**
   * The jar the packages were built from: the agent's or coordinator's module target
   * (-Dpackaging.agent.jar).
   */
  static Path jar(String name) {
    Path jar =
        Paths.get(
            property(name.equals(AGENT) ? "packaging.agent.jar" : "packaging.coordinator.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " missing: build it first (mvn -pl packaging -am package)");
    }
    return jar;
  }

  private static Path newest(String prefix, String suffix) {
    try (Stream<Path> files = Files.list(target())) {
      return files
          .filter(
              p ->
                  p.getFileName().toString().startsWith(prefix)
                      && p.getFileName().toString().endsWith(suffix))
          .max(Comparator.comparingLong(BuiltPackages::modified))
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no "
                          + prefix
                          + "*"
                          + suffix
                          + " in "
                          + target()
                          + ": build the packages first (mvn -pl packaging -am package)"));
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + target(), e);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException("reading mtime of " + p, e);
    }
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new AssertionError(
          "system property "
              + name
              + " is not set: run the tests through Maven (mvn -pl packaging verify)");
    }
    return v;
  }
}

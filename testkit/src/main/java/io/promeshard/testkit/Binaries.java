package io.promeshard.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds the real Consul, Prometheus, promtool and redis-server binaries: the environment variable,
 * then the project's {@code .deps} cache (filled by {@code scripts/fetch-deps}), then PATH; a
 * missing binary throws an AssertionError that says how to get it (tests never skip).
 */
public final class Binaries {
  /** System property surefire sets to the multi-module root (see the parent POM). */
  public static final String ROOT_PROPERTY = "prome-shard.root";

  private Binaries() {}

  public static Path consul() {
    return find("consul", "CONSUL_BIN");
  }

  public static Path prometheus() {
    return find("prometheus", "PROMETHEUS_BIN");
  }

  public static Path promtool() {
    return find("promtool", "PROMTOOL_BIN");
  }

  /**
   * Prometheus of the given release: 2.42 as {@link #prometheus()} finds it, the others only from
   * their own {@code .deps/prometheus-<version>} folder, so a test never runs a different release
   * than the one it asked for.
   */
  public static Path prometheus(PrometheusVersion version) {
    return version == PrometheusVersion.V2_42 ? prometheus() : versioned("prometheus", version);
  }

  /** promtool of the given release, found as {@link #prometheus(PrometheusVersion)} is. */
  public static Path promtool(PrometheusVersion version) {
    return version == PrometheusVersion.V2_42 ? promtool() : versioned("promtool", version);
  }

  public static Path redisServer() {
    return find("redis-server", "REDIS_SERVER_BIN");
  }

  /** Environment redis-server needs: LD_LIBRARY_PATH with the unpacked liblzf1 and libjemalloc2. */
  public static Map<String, String> redisEnvironment() {
    List<String> dirs = new ArrayList<>();
    Path bin = redisServer();
    Path usr = bin.toAbsolutePath().getParent().getParent();
    if (usr != null) {
      addLibDirs(usr.resolve("lib"), dirs);
    }
    Path deps = depsRoot();
    if (deps != null) {
      addLibDirs(deps.resolve("usr/lib"), dirs);
    }
    String existing = System.getenv("LD_LIBRARY_PATH");
    if (existing != null && !existing.isBlank()) {
      dirs.add(existing);
    }
    return dirs.isEmpty()
        ? Map.of()
        : Map.of("LD_LIBRARY_PATH", String.join(File.pathSeparator, dirs));
  }

  /**
   * The project root: the {@value #ROOT_PROPERTY} property, else the nearest folder holding
   * scripts/fetch-deps.
   */
  public static Path projectRoot() {
    String prop = System.getProperty(ROOT_PROPERTY);
    if (prop != null
        && !prop.isBlank()
        && Files.isRegularFile(Paths.get(prop, "scripts", "fetch-deps"))) {
      return Paths.get(prop).toAbsolutePath();
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts").resolve("fetch-deps"))) {
        return dir;
      }
    }
    return null;
  }

  private static Path depsRoot() {
    String deps = System.getenv("PROME_SHARD_DEPS");
    if (deps != null && !deps.isBlank()) {
      return Paths.get(deps, "root");
    }
    Path root = projectRoot();
    return root == null ? null : root.resolve(".deps").resolve("root");
  }

  private static Path versioned(String name, PrometheusVersion version) {
    Path deps = depsRoot();
    if (deps == null) {
      throw new AssertionError(
          name + " " + version.label() + ": project root not found; run scripts/fetch-deps there");
    }
    Path p =
        deps.resolveSibling("prometheus-" + version.label())
            .resolve("root")
            .resolve("usr")
            .resolve("bin")
            .resolve(name);
    if (Files.isExecutable(p) && !Files.isDirectory(p)) {
      return p;
    }
    throw new AssertionError(
        name + " " + version.label() + " not found at " + p + ": run scripts/fetch-deps");
  }

  private static Path find(String name, String envVar) {
    String fromEnv = System.getenv(envVar);
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path p = Paths.get(fromEnv);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
      throw new AssertionError(envVar + "=" + fromEnv + " is not an executable file");
    }
    Path deps = depsRoot();
    if (deps != null) {
      Path p = deps.resolve("usr").resolve("bin").resolve(name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator, -1)) {
        if (!dir.isEmpty()) {
          Path p = Paths.get(dir, name);
          if (Files.isExecutable(p) && !Files.isDirectory(p)) {
            return p;
          }
        }
      }
    }
    throw new AssertionError(
        name + " binary not found: run scripts/fetch-deps (or set " + envVar + ")");
  }

  private static void addLibDirs(Path lib, List<String> out) {
    if (!Files.isDirectory(lib)) {
      return;
    }
    try (Stream<Path> s = Files.list(lib)) {
      s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().endsWith("-linux-gnu"))
          .map(Path::toString)
          .forEach(out::add);
    } catch (IOException e) {
      throw new AssertionError("listing " + lib, e);
    }
    out.add(lib.toString());
  }
}

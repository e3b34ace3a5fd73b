package io.promeshard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packages of one module in data-flow order, checked against its source files: a package may
 * use packages of its own stage and of earlier stages, never of a later one. A stage is a group of
 * sibling packages (e.g. {@code run} and {@code cli} at the end); a sub-package belongs to the
 * stage of its top-level package. Every reference counts (imports and qualified names), and a
 * package missing from the order is itself reported, so a new package has to be placed.
 */
public final class PackageLayers {
  private final Path sourceRoot;
  private final String basePackage;
  private final Map<String, Integer> stageOf = new TreeMap<>();

  /**
   * {@code sourceRoot} is the module's {@code src/main/java}; {@code stages} lists, first to last,
   * the top-level packages under {@code basePackage} of each stage.
   */
  public PackageLayers(Path sourceRoot, String basePackage, List<List<String>> stages) {
    this.sourceRoot = sourceRoot;
    this.basePackage = basePackage;
    for (int i = 0; i < stages.size(); i++) {
      for (String p : stages.get(i)) {
        stageOf.put(p, i);
      }
    }
  }

  /** Each package of the module (top-level name) with the top-level packages its files use. */
  public Map<String, Set<String>> uses() {
    Map<String, Set<String>> uses = new TreeMap<>();
    for (SourceFile f : files()) {
      Set<String> used = uses.computeIfAbsent(f.topLevel(), p -> new TreeSet<>());
      f.references().stream()
          .map(PackageLayers::topLevel)
          .filter(p -> !p.equals(f.topLevel()))
          .forEach(used::add);
    }
    return uses;
  }

  /** Every reference that goes to a later stage, and every package the order does not place. */
  public List<String> violations() {
    List<String> problems = new ArrayList<>();
    for (SourceFile f : files()) {
      Integer from = stageOf.get(f.topLevel());
      if (from == null) {
        problems.add(f.path() + ": package " + f.topLevel() + " is not placed in the layer order");
        continue;
      }
      for (String ref : f.references()) {
        Integer to = stageOf.get(topLevel(ref));
        if (to != null && to > from) {
          problems.add(f.path() + ": " + f.topLevel() + " uses " + ref + ", a later stage");
        }
      }
    }
    return problems;
  }

  /**
   * Files directly in package {@code pkg} (not its sub-packages) that use one of its sub-packages.
   */
  public List<String> filesUsingSubPackages(String pkg) {
    List<String> found = new ArrayList<>();
    for (SourceFile f : files()) {
      if (f.pkg().equals(pkg) && f.references().stream().anyMatch(r -> r.startsWith(pkg + "."))) {
        found.add(f.path().getFileName().toString());
      }
    }
    return found;
  }

  /** Files of one sub-package of {@code pkg} that use another sub-package of it. */
  public List<String> crossReferencesBetweenSubPackages(String pkg) {
    List<String> found = new ArrayList<>();
    for (SourceFile f : files()) {
      if (!f.pkg().startsWith(pkg + ".")) {
        continue;
      }
      for (String ref : f.references()) {
        if (ref.startsWith(pkg + ".") && !ref.equals(f.pkg())) {
          found.add(f.path() + " uses " + ref);
        }
      }
    }
    return found;
  }

  private record SourceFile(Path path, String pkg, TreeSet<String> references) {
    String topLevel() {
      return PackageLayers.topLevel(pkg);
    }
  }

  /** {@code a.b.c} → {@code a}: the top-level package relative to the base package. */
  private static String topLevel(String relative) {
    int dot = relative.indexOf('.');
    return dot < 0 ? relative : relative.substring(0, dot);
  }

  private List<SourceFile> files() {
    Path dir = sourceRoot.resolve(basePackage.replace('.', '/'));
    if (!Files.isDirectory(dir)) {
      throw new AssertionError("no sources at " + dir.toAbsolutePath());
    }
    Pattern ref =
        Pattern.compile(
            Pattern.quote(basePackage + ".") + "([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*)");
    List<SourceFile> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(x -> x.toString().endsWith(".java")).sorted().toList()) {
        String rel = dir.relativize(p.getParent()).toString().replace('/', '.');
        if (rel.isEmpty()) {
          continue; // the module's root package holds no stage
        }
        TreeSet<String> refs = new TreeSet<>();
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (line.startsWith("package ")) {
            continue;
          }
          Matcher m = ref.matcher(line);
          while (m.find()) {
            refs.add(m.group(1));
          }
        }
        refs.remove(rel);
        files.add(new SourceFile(p, rel, refs));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir, e);
    }
    return files;
  }
}

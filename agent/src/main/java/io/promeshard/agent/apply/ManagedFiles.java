package io.promeshard.agent.apply;

import io.promeshard.agent.render.OutputKind;
import io.promeshard.protocol.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The list of files the agent wrote in a directory, kept in a state file there ({@code
 * .prome-shard-managed.targets}, {@code .prome-shard-managed.rules}, {@code
 * .prome-shard-managed.scrape_configs}, matched by no {@code *.json}/{@code *.yml} glob), so only
 * those files are ever removed and foreign files in a shared directory are left alone. I/O failures
 * throw IOException naming the state file.
 */
final class ManagedFiles {
  private static final Logger log = LoggerFactory.getLogger(ManagedFiles.class);
  private static final String HEADER =
      "# Files written by prome-shard-agent; it removes only these. One file name per line.\n";

  private ManagedFiles() {}

  static String stateFileName(OutputKind kind) {
    return ".prome-shard-managed." + kind.dir();
  }

  /**
   * The managed names (e.g. {@code web}, without extension); lines that are not valid names are
   * ignored with a warning.
   */
  static SortedSet<String> read(Path dir, OutputKind kind) throws IOException {
    Path state = dir.resolve(stateFileName(kind));
    SortedSet<String> names = new TreeSet<>();
    Optional<byte[]> bytes = AtomicFiles.read(state);
    if (bytes.isEmpty()) {
      return names;
    }
    String ext = kind.extension();
    for (String line : new String(bytes.get(), StandardCharsets.UTF_8).split("\n", -1)) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      String name = s.endsWith(ext) ? s.substring(0, s.length() - ext.length()) : null;
      if (name == null || !Names.isValid(name)) {
        log.warn("[apply] {}: ignoring line \"{}\" (not a {} file name)", state, s, ext);
        continue;
      }
      names.add(name);
    }
    return names;
  }

  /** Records {@code names} as managed; rewrites the state file only when it changes. */
  static void write(Path dir, OutputKind kind, SortedSet<String> names) throws IOException {
    Path state = dir.resolve(stateFileName(kind));
    if (names.isEmpty() && AtomicFiles.read(state).isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder(HEADER);
    String ext = kind.extension();
    for (String name : names) {
      sb.append(name).append(ext).append('\n');
    }
    AtomicFiles.write(state, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Deletes temp files left by a crash between staging and renaming, for the given target file
   * names only.
   */
  static void removeStaleTemps(Path dir, Set<String> fileNames) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> stale;
    try (Stream<Path> entries = Files.list(dir)) {
      stale =
          entries
              .filter(
                  p ->
                      AtomicFiles.stagedFor(p.getFileName().toString())
                          .filter(fileNames::contains)
                          .isPresent())
              .toList();
    }
    for (Path p : stale) {
      log.info("[apply] {}: removing stale temp file", p);
      Files.deleteIfExists(p);
    }
  }
}

package io.promeshard.agent.apply;

import io.promeshard.agent.render.RenderResult;
import io.promeshard.protocol.PartKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs a plan's rule files as one unit: every changed file is staged and checked before any is
 * installed; then Prometheus is reloaded, and if the reload fails (or installing fails half way)
 * the previous bytes of every touched file are put back, new files deleted, and Prometheus reloaded
 * again. Failures are returned in the {@link Outcome}, never thrown. Used once, by one thread.
 */
final class RuleTransaction {
  private static final Logger log = LoggerFactory.getLogger(RuleTransaction.class);

  /**
   * The rule files changed (or rolled back), the reload that decided it (null: none), the error (""
   * when none) and its kind.
   */
  record Outcome(
      List<FileChange> changes,
      ReloadResult reload,
      boolean rolledBack,
      String error,
      ApplyResult.Failure failure) {}

  private final Path dir;
  private final CheckCommand check;
  private final Map<Path, Optional<byte[]>> previous = new LinkedHashMap<>();

  RuleTransaction(Path dir, CheckCommand check) {
    this.dir = dir;
    this.check = check;
  }

  /**
   * Applies {@code rules} (the plan's rule entries); reloads through {@code reloader} unless it is
   * null.
   */
  Outcome run(List<FileChange> rules, Reloader reloader) {
    List<FileChange> changes = new ArrayList<>();
    try {
      install(rules, changes);
    } catch (ApplyException | IOException e) {
      String restored = previous.isEmpty() ? "" : restore();
      log.warn("[apply] {}: rule files not installed: {}", dir, e.getMessage());
      // an I/O failure is the directory's (read-only, full); an ApplyException is the check's
      // verdict
      String error =
          e instanceof IOException
              ? "rules_dir " + dir + ": " + e.getMessage() + restored
              : e.getMessage() + restored;
      return new Outcome(
          List.of(),
          null,
          !changes.isEmpty(),
          error,
          e instanceof IOException ? ApplyResult.Failure.UNWRITABLE : ApplyResult.Failure.REJECTED);
    }
    if (changes.isEmpty() || reloader == null) {
      return new Outcome(changes, null, false, "", ApplyResult.Failure.NONE);
    }
    ReloadResult reload = reloader.reload();
    if (reload.ok()) {
      return new Outcome(changes, reload, false, "", ApplyResult.Failure.NONE);
    }
    log.warn(
        "[apply] {}: reload failed, restoring {} previous rule files: {}",
        dir,
        changes.size(),
        reload.message());
    String restored = restore();
    ReloadResult again = reloader.reload();
    String error =
        "reload after rule changes failed: "
            + reload.describe()
            + "; previous rule files restored"
            + restored
            + (again.ok() ? " and reloaded" : "; reloading them failed too: " + again.message());
    return new Outcome(
        changes,
        reload,
        true,
        error,
        reload.unreachable() ? ApplyResult.Failure.UNREACHABLE : ApplyResult.Failure.REJECTED);
  }

  private void install(List<FileChange> rules, List<FileChange> changes)
      throws ApplyException, IOException {
    SortedSet<String> wanted = new TreeSet<>();
    List<FileChange> toWrite = new ArrayList<>();
    List<FileChange> toRemove = new ArrayList<>();
    for (FileChange f : rules) {
      if (f.action() == FileChange.Action.REMOVE) {
        toRemove.add(f);
      } else {
        wanted.add(f.render().name());
        if (!AtomicFiles.hasContent(f.path(), f.render().content())) {
          toWrite.add(f);
        }
      }
    }
    if (!wanted.isEmpty()) {
      Files.createDirectories(dir);
    }
    SortedSet<String> managed = ManagedFiles.read(dir, PartKey.Kind.RULES);
    SortedSet<String> all = new TreeSet<>(managed);
    all.addAll(wanted);
    ManagedFiles.removeStaleTemps(dir, fileNames(all));
    List<AtomicFiles.Staged> staged = new ArrayList<>();
    try {
      for (FileChange f : toWrite) {
        AtomicFiles.Staged s = AtomicFiles.stage(f.path(), f.render().content());
        staged.add(s);
        if (check != null) {
          try {
            check.check(s.temp());
          } catch (ApplyException e) {
            throw new ApplyException("rule file " + f.path() + " rejected: " + e.getMessage(), e);
          }
        }
      }
      remember(dir.resolve(ManagedFiles.stateFileName(PartKey.Kind.RULES)));
      ManagedFiles.write(dir, PartKey.Kind.RULES, all);
      for (int i = 0; i < toWrite.size(); i++) {
        FileChange f = toWrite.get(i);
        boolean existed = remember(f.path()).isPresent();
        staged.get(i).commit();
        changes.add(f.written(existed, log));
      }
      for (FileChange f : toRemove) {
        remember(f.path());
        if (AtomicFiles.delete(f.path())) {
          changes.add(f);
          log.info("[apply] {}: removed", f.path());
        }
      }
      ManagedFiles.write(dir, PartKey.Kind.RULES, wanted);
    } finally {
      for (AtomicFiles.Staged s : staged) {
        s.close();
      }
    }
  }

  private Optional<byte[]> remember(Path path) throws IOException {
    Optional<byte[]> before = previous.get(path);
    if (before == null) {
      before = AtomicFiles.read(path);
      previous.put(path, before);
    }
    return before;
  }

  /** Puts back every remembered file, newest change first; returns "" or the restore failures. */
  private String restore() {
    StringBuilder failures = new StringBuilder();
    List<Map.Entry<Path, Optional<byte[]>>> entries = new ArrayList<>(previous.entrySet());
    for (int i = entries.size() - 1; i >= 0; i--) {
      Path path = entries.get(i).getKey();
      Optional<byte[]> bytes = entries.get(i).getValue();
      try {
        if (bytes.isPresent()) {
          AtomicFiles.write(path, bytes.get());
        } else {
          AtomicFiles.delete(path);
        }
      } catch (IOException e) {
        failures.append("; restoring ").append(path).append(" failed: ").append(e.getMessage());
      }
    }
    log.info("[apply] {}: restored {} files{}", dir, entries.size(), failures);
    return failures.toString();
  }

  private static SortedSet<String> fileNames(SortedSet<String> names) {
    SortedSet<String> out = new TreeSet<>();
    names.forEach(n -> out.add(n + RenderResult.extension(PartKey.Kind.RULES)));
    return out;
  }
}

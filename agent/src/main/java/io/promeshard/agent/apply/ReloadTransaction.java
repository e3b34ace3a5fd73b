package io.promeshard.agent.apply;

import io.promeshard.agent.render.OutputKind;
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
 * Installs a plan's rule files and scrape configs (the files Prometheus reads only on reload) as
 * one unit: every changed file is staged and checked before any is installed; then Prometheus is
 * reloaded, and if the reload fails (or installing fails half way) the previous bytes of every
 * touched file are put back, new files deleted, and Prometheus reloaded again. Failures are
 * returned in the {@link Outcome}, naming the rule file or the job whose scrape config failed,
 * never thrown. Used once, by one thread.
 */
final class ReloadTransaction {
  private static final Logger log = LoggerFactory.getLogger(ReloadTransaction.class);

  /**
   * The files changed (or rolled back), the reload that decided it (null: none), the error ("" when
   * none) and its kind.
   */
  record Outcome(
      List<FileChange> changes,
      ReloadResult reload,
      boolean rolledBack,
      String error,
      ApplyResult.Failure failure) {}

  /** One directory of the transaction: its kind of file, and the check of a staged file. */
  record Section(Path dir, OutputKind kind, Check check) {}

  /** Vets a staged file; throws ApplyException with the reason it is refused. */
  interface Check {
    void check(Path staged) throws ApplyException;
  }

  private final List<Section> sections;
  private final Map<Path, Optional<byte[]>> previous = new LinkedHashMap<>();

  ReloadTransaction(List<Section> sections) {
    this.sections = List.copyOf(sections);
  }

  /**
   * Applies {@code files} (the plan's entries of the sections' kinds); reloads through {@code
   * reloader} unless it is null.
   */
  Outcome run(List<FileChange> files, Reloader reloader) {
    List<FileChange> changes = new ArrayList<>();
    try {
      for (Section s : sections) {
        prepare(s, of(files, s));
      }
      install(files, changes);
    } catch (ApplyException | SectionIoException e) {
      String restored = previous.isEmpty() ? "" : restore();
      log.warn("[apply] {} not installed: {}", what(files), e.getMessage());
      // an I/O failure is the directory's (read-only, full); an ApplyException is the check's
      // verdict
      return new Outcome(
          List.of(),
          null,
          !changes.isEmpty(),
          e.getMessage() + restored,
          e instanceof SectionIoException
              ? ApplyResult.Failure.UNWRITABLE
              : ApplyResult.Failure.REJECTED);
    }
    if (changes.isEmpty() || reloader == null) {
      return new Outcome(changes, null, false, "", ApplyResult.Failure.NONE);
    }
    ReloadResult reload = reloader.reload();
    if (reload.ok()) {
      return new Outcome(changes, reload, false, "", ApplyResult.Failure.NONE);
    }
    log.warn(
        "[apply] reload failed, restoring {} previous files ({}): {}",
        changes.size(),
        what(changes),
        reload.message());
    String restored = restore();
    ReloadResult again = reloader.reload();
    String error =
        rejected(changes)
            + reload.describe()
            + "; previous "
            + (scrapeJobs(changes).isEmpty() ? "rule files" : "files")
            + " restored"
            + restored
            + (again.ok() ? " and reloaded" : "; reloading them failed too: " + again.message());
    return new Outcome(
        changes,
        reload,
        true,
        error,
        reload.unreachable() ? ApplyResult.Failure.UNREACHABLE : ApplyResult.Failure.REJECTED);
  }

  /** The start of a failed reload's error: which files the reload was for. */
  private static String rejected(List<FileChange> changes) {
    List<String> jobs = scrapeJobs(changes);
    if (jobs.isEmpty()) {
      return "reload after rule changes failed: ";
    }
    String configs =
        (jobs.size() == 1 ? "scrape config of job " : "scrape configs of jobs ")
            + String.join(", ", jobs);
    boolean rules = changes.stream().anyMatch(f -> f.kind() == OutputKind.RULES);
    return rules
        ? "reload after changes to rule files and the " + configs + " failed: "
        : configs + " rejected: reload failed: ";
  }

  private static List<String> scrapeJobs(List<FileChange> files) {
    return files.stream()
        .filter(f -> f.kind() == OutputKind.SCRAPE_CONFIG)
        .map(f -> jobOf(f.path()))
        .toList();
  }

  private static String jobOf(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.length() - OutputKind.SCRAPE_CONFIG.extension().length());
  }

  private static String what(List<FileChange> files) {
    List<String> jobs = scrapeJobs(files);
    boolean rules = files.stream().anyMatch(f -> f.kind() == OutputKind.RULES);
    String configs = jobs.isEmpty() ? "" : "scrape configs of " + String.join(", ", jobs);
    return rules ? "rule files" + (configs.isEmpty() ? "" : " and " + configs) : configs;
  }

  private static List<FileChange> of(List<FileChange> files, Section s) {
    return files.stream().filter(f -> f.kind() == s.kind()).toList();
  }

  /** An I/O failure in a section's directory, its message naming the setting and directory. */
  private static final class SectionIoException extends Exception {
    private static final long serialVersionUID = 1L;

    SectionIoException(Section s, IOException e) {
      super(setting(s.kind()) + " " + s.dir() + ": " + e.getMessage(), e);
    }
  }

  private static String setting(OutputKind kind) {
    return kind == OutputKind.RULES ? "rules_dir" : "scrape_config_dir";
  }

  /** Creates the directory when files go there and drops temp files a crash left behind. */
  private void prepare(Section s, List<FileChange> files) throws SectionIoException {
    try {
      if (files.stream().anyMatch(f -> f.action() != FileChange.Action.REMOVE)) {
        Files.createDirectories(s.dir());
      }
      SortedSet<String> all = ManagedFiles.read(s.dir(), s.kind());
      files.stream().filter(f -> f.render() != null).forEach(f -> all.add(f.render().name()));
      SortedSet<String> names = new TreeSet<>();
      all.forEach(n -> names.add(n + s.kind().extension()));
      ManagedFiles.removeStaleTemps(s.dir(), names);
    } catch (IOException e) {
      throw new SectionIoException(s, e);
    }
  }

  private void install(List<FileChange> files, List<FileChange> changes)
      throws ApplyException, SectionIoException {
    List<AtomicFiles.Staged> staged = new ArrayList<>();
    List<FileChange> toWrite = new ArrayList<>();
    try {
      for (Section s : sections) {
        stage(s, of(files, s), toWrite, staged);
      }
      for (Section s : sections) {
        commit(s, of(files, s), toWrite, staged, changes);
      }
    } finally {
      for (AtomicFiles.Staged s : staged) {
        try {
          s.close();
        } catch (IOException e) {
          log.warn("[apply] {}: removing a temp file failed: {}", s.temp(), e.getMessage());
        }
      }
    }
  }

  /** Stages and checks the changed files of {@code s}, before anything is installed. */
  private static void stage(
      Section s, List<FileChange> files, List<FileChange> toWrite, List<AtomicFiles.Staged> staged)
      throws ApplyException, SectionIoException {
    for (FileChange f : files) {
      try {
        if (f.action() == FileChange.Action.REMOVE
            || AtomicFiles.hasContent(f.path(), f.render().content())) {
          continue;
        }
        AtomicFiles.Staged st = AtomicFiles.stage(f.path(), f.render().content());
        staged.add(st);
        toWrite.add(f);
        if (s.check() != null) {
          try {
            s.check().check(st.temp());
          } catch (ApplyException e) {
            throw new ApplyException(refused(f) + " rejected: " + e.getMessage(), e);
          }
        }
      } catch (IOException e) {
        throw new SectionIoException(s, e);
      }
    }
  }

  private static String refused(FileChange f) {
    return f.kind() == OutputKind.SCRAPE_CONFIG
        ? "scrape config of job " + f.render().name() + " (" + f.path() + ")"
        : "rule file " + f.path();
  }

  /** Installs the staged files of {@code s} and removes its files that left the share. */
  private void commit(
      Section s,
      List<FileChange> files,
      List<FileChange> toWrite,
      List<AtomicFiles.Staged> staged,
      List<FileChange> changes)
      throws SectionIoException {
    try {
      SortedSet<String> all = ManagedFiles.read(s.dir(), s.kind());
      SortedSet<String> wanted = new TreeSet<>();
      files.stream().filter(f -> f.render() != null).forEach(f -> wanted.add(f.render().name()));
      all.addAll(wanted);
      remember(s.dir().resolve(ManagedFiles.stateFileName(s.kind())));
      ManagedFiles.write(s.dir(), s.kind(), all);
      for (int i = 0; i < toWrite.size(); i++) {
        FileChange f = toWrite.get(i);
        if (f.kind() == s.kind() && f.path().getParent().equals(s.dir())) {
          boolean existed = remember(f.path()).isPresent();
          staged.get(i).commit();
          changes.add(f.written(existed, log));
        }
      }
      for (FileChange f : files) {
        if (f.action() == FileChange.Action.REMOVE) {
          remember(f.path());
          if (AtomicFiles.delete(f.path())) {
            changes.add(f);
            log.info("[apply] {}: removed", f.path());
          }
        }
      }
      ManagedFiles.write(s.dir(), s.kind(), wanted);
    } catch (IOException e) {
      throw new SectionIoException(s, e);
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
    log.info("[apply] restored {} files{}", entries.size(), failures);
    return failures.toString();
  }
}

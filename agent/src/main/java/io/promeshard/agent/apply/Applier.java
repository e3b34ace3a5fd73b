package io.promeshard.agent.apply;

import io.promeshard.agent.render.OutputKind;
import io.promeshard.agent.render.RenderResult;
import io.promeshard.agent.render.Renderer;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a node's share into files: {@code <file_sd_dir>/<job>.json} per job, {@code
 * <rules_dir>/<group>.yml} per rule group, and for each job with its own scrape settings {@code
 * <scrape_config_dir>/<job>.yml} (its scrape config) beside {@code <scrape_config_dir>/<job>.json}
 * (its targets, in place of the file_sd_dir file). {@link #plan} renders everything and compares it
 * with the disk without writing (dry run; a RenderException means nothing will be written); {@link
 * #apply(OutputPlan, Reloader)} writes only changed files, removes files of jobs and groups that
 * left the share (only files it wrote itself), and installs rules and scrape configs as one {@link
 * ReloadTransaction}. When the local Prometheus is known to be older than 2.43, jobs with scrape
 * settings get no file at all ({@link ScrapeSupport}). Call from one thread.
 */
public final class Applier {
  private static final Logger log = LoggerFactory.getLogger(Applier.class);

  private final Renderer renderer;
  private final OutputConfig config;
  private final PrometheusBuild build;

  public Applier(Renderer renderer, OutputConfig config) {
    this(renderer, config, null);
  }

  /** {@code build} null: the Prometheus version is unknown, and scrape configs are written. */
  public Applier(Renderer renderer, OutputConfig config, PrometheusBuild build) {
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.config = Objects.requireNonNull(config, "config");
    this.build = build;
  }

  public OutputConfig config() {
    return config;
  }

  /** Renders {@code share} and says what applying it would change; writes nothing. */
  public OutputPlan plan(NodeShare share) throws ApplyException {
    Map<String, List<TargetGroup>> plain = new TreeMap<>();
    Map<String, List<TargetGroup>> scraped = new TreeMap<>();
    Map<String, ScrapeSettings> settings = new TreeMap<>();
    share
        .targets()
        .forEach(
            (job, groups) -> {
              ScrapeSettings s = share.scrape().get(job);
              (s == null ? plain : scraped).put(job, groups);
              if (s != null) {
                settings.put(job, s);
              }
            });
    String version = build == null ? "" : build.version();
    ScrapeSupport support = new ScrapeSupport(version, List.of());
    if (!settings.isEmpty() && !PrometheusBuild.supportsScrapeConfigFiles(version)) {
      support = new ScrapeSupport(version, List.copyOf(settings.keySet()));
      scraped.clear();
      settings.clear();
    }
    Path scrapeDir = config.scrapeConfigDir();
    List<FileChange> files = new ArrayList<>();
    files.addAll(planKind(config.fileSdDir(), OutputKind.TARGETS, plain, renderer::renderTargets));
    files.addAll(planKind(scrapeDir, OutputKind.TARGETS, scraped, renderer::renderTargets));
    files.addAll(
        planKind(
            scrapeDir,
            OutputKind.SCRAPE_CONFIG,
            settings,
            (job, s) ->
                renderer.renderScrapeConfig(
                    job, s, SafePaths.inside(scrapeDir, job + OutputKind.TARGETS.extension()))));
    files.addAll(
        planKind(
            config.rulesDir(),
            OutputKind.RULES,
            share.rules(),
            (group, rules) ->
                renderer.renderRules(
                    group, rules, share.intervals().getOrDefault(group, config.ruleInterval()))));
    return new OutputPlan(files, support);
  }

  /** The rule file {@link #plan} would write for {@code group} of {@code share}. */
  public RenderResult renderRules(NodeShare share, String group) {
    return renderer.renderRules(
        group,
        share.rules().getOrDefault(group, List.of()),
        share.intervals().getOrDefault(group, config.ruleInterval()));
  }

  /** {@link #plan} then {@link #apply(OutputPlan, Reloader)}. */
  public ApplyResult apply(NodeShare share, Reloader reloader) throws ApplyException {
    return apply(plan(share), reloader);
  }

  /**
   * Writes the plan in the order that never leaves Prometheus with a job without its targets:
   * target files first (throws ApplyException naming the directory if one cannot be written; files
   * already written stay, each whole), then rule files and scrape configs as one transaction,
   * reloading through {@code reloader} as the reload policy says (null: never), and only once that
   * transaction went through, the target files of jobs that left (or moved between file_sd_dir and
   * scrape_config_dir). Transaction failures (a rejected check, a failed reload, after which the
   * previous files are back) are reported in the result, not thrown.
   */
  public ApplyResult apply(OutputPlan plan, Reloader reloader) throws ApplyException {
    TargetFiles sd = new TargetFiles(config.fileSdDir(), "file_sd_dir");
    TargetFiles scrape = new TargetFiles(config.scrapeConfigDir(), "scrape_config_dir");
    List<FileChange> targets = new ArrayList<>();
    targets.addAll(sd.write(targetsIn(plan, config.fileSdDir())));
    targets.addAll(scrape.write(targetsIn(plan, config.scrapeConfigDir())));
    boolean reloads = reloader != null && config.reloadPolicy() != OutputConfig.ReloadPolicy.NEVER;
    ReloadTransaction.Outcome rules =
        new ReloadTransaction(
                List.of(
                    new ReloadTransaction.Section(
                        config.rulesDir(), OutputKind.RULES, check(config.ruleCheck())),
                    new ReloadTransaction.Section(
                        config.scrapeConfigDir(),
                        OutputKind.SCRAPE_CONFIG,
                        check(config.scrapeConfigCheck()))))
            .run(
                plan.files().stream().filter(f -> f.kind() != OutputKind.TARGETS).toList(),
                reloads ? reloader : null);
    if (rules.reload() != null && !rules.reload().ok() && build != null) {
      build.forget(); // a rejected reload may come from a Prometheus changed underneath
    }
    if (rules.error().isEmpty()) {
      targets.addAll(sd.removeLeft());
      targets.addAll(scrape.removeLeft());
    }
    ReloadResult reload = rules.reload();
    String error = rules.error();
    ApplyResult.Failure failure = rules.failure();
    if (reload == null
        && error.isEmpty()
        && !targets.isEmpty()
        && reloader != null
        && config.reloadPolicy() == OutputConfig.ReloadPolicy.ANY_CHANGE) {
      reload = reloader.reload();
      error = reload.ok() ? "" : "reload after target changes failed: " + reload.describe();
      failure =
          reload.ok()
              ? ApplyResult.Failure.NONE
              : reload.unreachable()
                  ? ApplyResult.Failure.UNREACHABLE
                  : ApplyResult.Failure.REJECTED;
    }
    return new ApplyResult(
        targets,
        rules.changes(),
        reload,
        rules.rolledBack(),
        error,
        failure,
        installed(plan, rules));
  }

  private static ReloadTransaction.Check check(CheckCommand command) {
    return command == null ? null : command::check;
  }

  private static ReloadTransaction.Check check(ScrapeConfigCheck promtool) {
    return promtool == null ? null : promtool::check;
  }

  private static List<FileChange> targetsIn(OutputPlan plan, Path dir) {
    return plan.files().stream()
        .filter(f -> f.kind() == OutputKind.TARGETS && f.path().getParent().equals(dir))
        .toList();
  }

  private static <V> List<FileChange> planKind(
      Path dir, OutputKind kind, Map<String, V> wanted, Render<V> render) throws ApplyException {
    List<FileChange> out = new ArrayList<>();
    for (Map.Entry<String, V> e : wanted.entrySet()) {
      RenderResult r = render.apply(e.getKey(), e.getValue());
      Path path = SafePaths.file(dir, kind, r.name());
      FileChange.Action action =
          !Files.exists(path)
              ? FileChange.Action.CREATE
              : matches(path, r) ? FileChange.Action.UNCHANGED : FileChange.Action.UPDATE;
      out.add(new FileChange(path, kind, action, r));
    }
    for (String name : managed(dir, kind)) {
      Path path = SafePaths.file(dir, kind, name);
      if (!wanted.containsKey(name) && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        out.add(new FileChange(path, kind, FileChange.Action.REMOVE, null));
      }
    }
    return out;
  }

  /** Renders one file of a job or group; may throw ApplyException for a bad file name. */
  private interface Render<V> {
    RenderResult apply(String name, V value) throws ApplyException;
  }

  /**
   * The target files of one directory: {@link #write} creates and updates them and records every
   * name (old and new) as managed; {@link #removeLeft} later removes those that left the share.
   */
  private static final class TargetFiles {
    private final Path dir;
    private final String setting;
    private final List<FileChange> toRemove = new ArrayList<>();
    private final SortedSet<String> wanted = new TreeSet<>();
    private boolean touched;

    TargetFiles(Path dir, String setting) {
      this.dir = dir;
      this.setting = setting;
    }

    List<FileChange> write(List<FileChange> files) throws ApplyException {
      files.stream().filter(f -> f.render() != null).forEach(f -> wanted.add(f.render().name()));
      files.stream().filter(f -> f.action() == FileChange.Action.REMOVE).forEach(toRemove::add);
      List<FileChange> changed = new ArrayList<>();
      try {
        if (wanted.isEmpty() && !Files.isDirectory(dir)) {
          return changed;
        }
        touched = true;
        Files.createDirectories(dir);
        SortedSet<String> all = new TreeSet<>(ManagedFiles.read(dir, OutputKind.TARGETS));
        all.addAll(wanted);
        ManagedFiles.removeStaleTemps(dir, fileNames(all));
        ManagedFiles.write(dir, OutputKind.TARGETS, all);
        for (FileChange f : files) {
          if (f.action() == FileChange.Action.REMOVE) {
            continue;
          }
          boolean existed = Files.exists(f.path());
          if (AtomicFiles.write(f.path(), f.render().content())) {
            changed.add(f.written(existed, log));
          }
        }
        return changed;
      } catch (IOException e) {
        throw failed(e, changed.size());
      }
    }

    List<FileChange> removeLeft() throws ApplyException {
      List<FileChange> removed = new ArrayList<>();
      if (!touched) {
        return removed;
      }
      try {
        for (FileChange f : toRemove) {
          if (AtomicFiles.delete(f.path())) {
            removed.add(f);
            log.info("[apply] {}: removed", f.path());
          }
        }
        ManagedFiles.write(dir, OutputKind.TARGETS, wanted);
        return removed;
      } catch (IOException e) {
        throw failed(e, removed.size());
      }
    }

    private ApplyException failed(IOException e, int changed) {
      return new ApplyException(
          setting + " " + dir + ": " + e.getMessage() + " (" + changed + " files changed before)",
          e);
    }

    private static Set<String> fileNames(Set<String> names) {
      Set<String> out = new TreeSet<>();
      names.forEach(n -> out.add(n + OutputKind.TARGETS.extension()));
      return out;
    }
  }

  /**
   * Every file of the plan now in place: all target files, and rule files and scrape configs unless
   * their change was undone.
   */
  private static List<NodeStatus.FileStatus> installed(
      OutputPlan plan, ReloadTransaction.Outcome rules) {
    boolean reloadedInPlace = rules.error().isEmpty();
    List<NodeStatus.FileStatus> out = new ArrayList<>();
    for (FileChange f : plan.files()) {
      if (f.render() == null
          || (f.kind() != OutputKind.TARGETS && !reloadedInPlace && f.changes())) {
        continue;
      }
      RenderResult r = f.render();
      out.add(
          new NodeStatus.FileStatus(f.path().toString(), f.kind().dir(), r.count(), r.sha256()));
    }
    return out;
  }

  private static SortedSet<String> managed(Path dir, OutputKind kind) throws ApplyException {
    try {
      return ManagedFiles.read(dir, kind);
    } catch (IOException e) {
      throw new ApplyException(dir + ": reading managed file list: " + e.getMessage(), e);
    }
  }

  /** Whether {@code path} holds {@code r}, compared as a stream (no copy of a large file). */
  private static boolean matches(Path path, RenderResult r) throws ApplyException {
    try {
      return r.content().matches(path);
    } catch (IOException e) {
      throw new ApplyException(e.getMessage(), e);
    }
  }
}

package io.promeshard.agent.apply;

import io.promeshard.agent.render.RenderResult;
import io.promeshard.agent.render.Renderer;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.PartKey;
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
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a node's share into files: {@code <file_sd_dir>/<job>.json} per job and {@code
 * <rules_dir>/<group>.yml} per rule group. {@link #plan} renders everything and compares it with
 * the disk without writing (dry run; a RenderException means nothing will be written); {@link
 * #apply(OutputPlan, Reloader)} writes only changed files, removes files of jobs and groups that
 * left the share (only files it wrote itself), and installs rules as a {@link RuleTransaction}.
 * Call from one thread.
 */
public final class Applier {
  private static final Logger log = LoggerFactory.getLogger(Applier.class);

  private final Renderer renderer;
  private final OutputConfig config;

  public Applier(Renderer renderer, OutputConfig config) {
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    this.config = Objects.requireNonNull(config, "config");
  }

  public OutputConfig config() {
    return config;
  }

  /** Renders {@code share} and says what applying it would change; writes nothing. */
  public OutputPlan plan(NodeShare share) throws ApplyException {
    List<FileChange> files = new ArrayList<>();
    files.addAll(
        planKind(
            config.fileSdDir(), PartKey.Kind.TARGETS, share.targets(), renderer::renderTargets));
    files.addAll(
        planKind(
            config.rulesDir(),
            PartKey.Kind.RULES,
            share.rules(),
            (group, rules) ->
                renderer.renderRules(
                    group, rules, share.intervals().getOrDefault(group, config.ruleInterval()))));
    return new OutputPlan(files);
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
   * Writes the plan: target files first (throws ApplyException naming file_sd_dir if one cannot be
   * written; files already written stay, each whole), then the rule files as one transaction,
   * reloading through {@code reloader} as the reload policy says (null: never). Rule failures (a
   * rejected check, a failed reload, after which the previous rule files are back) are reported in
   * the result, not thrown.
   */
  public ApplyResult apply(OutputPlan plan, Reloader reloader) throws ApplyException {
    List<FileChange> targets =
        applyTargets(plan.files().stream().filter(f -> f.kind() == PartKey.Kind.TARGETS).toList());
    boolean reloadRules =
        reloader != null && config.reloadPolicy() != OutputConfig.ReloadPolicy.NEVER;
    RuleTransaction.Outcome rules =
        new RuleTransaction(config.rulesDir(), config.ruleCheck())
            .run(
                plan.files().stream().filter(f -> f.kind() == PartKey.Kind.RULES).toList(),
                reloadRules ? reloader : null);
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

  private static <T> List<FileChange> planKind(
      Path dir,
      PartKey.Kind kind,
      Map<String, List<T>> wanted,
      BiFunction<String, List<T>, RenderResult> render)
      throws ApplyException {
    List<FileChange> out = new ArrayList<>();
    for (Map.Entry<String, List<T>> e : wanted.entrySet()) {
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

  private List<FileChange> applyTargets(List<FileChange> files) throws ApplyException {
    Path dir = config.fileSdDir();
    SortedSet<String> wanted = new TreeSet<>();
    files.stream().filter(f -> f.render() != null).forEach(f -> wanted.add(f.render().name()));
    List<FileChange> changed = new ArrayList<>();
    try {
      if (wanted.isEmpty() && !Files.isDirectory(dir)) {
        return changed;
      }
      Files.createDirectories(dir);
      SortedSet<String> all = new TreeSet<>(ManagedFiles.read(dir, PartKey.Kind.TARGETS));
      all.addAll(wanted);
      ManagedFiles.removeStaleTemps(dir, fileNames(all, PartKey.Kind.TARGETS));
      ManagedFiles.write(dir, PartKey.Kind.TARGETS, all);
      for (FileChange f : files) {
        if (f.action() == FileChange.Action.REMOVE) {
          if (AtomicFiles.delete(f.path())) {
            changed.add(f);
            log.info("[apply] {}: removed", f.path());
          }
          continue;
        }
        boolean existed = Files.exists(f.path());
        if (AtomicFiles.write(f.path(), f.render().content())) {
          changed.add(f.written(existed, log));
        }
      }
      ManagedFiles.write(dir, PartKey.Kind.TARGETS, wanted);
      return changed;
    } catch (IOException e) {
      throw new ApplyException(
          "file_sd_dir "
              + dir
              + ": "
              + e.getMessage()
              + " ("
              + changed.size()
              + " files changed before)",
          e);
    }
  }

  /**
   * Every file of the plan now in place: all target files, and rule files unless their change was
   * undone.
   */
  private static List<NodeStatus.FileStatus> installed(
      OutputPlan plan, RuleTransaction.Outcome rules) {
    boolean rulesInPlace = rules.error().isEmpty();
    List<NodeStatus.FileStatus> out = new ArrayList<>();
    for (FileChange f : plan.files()) {
      if (f.render() == null || (f.kind() == PartKey.Kind.RULES && !rulesInPlace && f.changes())) {
        continue;
      }
      RenderResult r = f.render();
      out.add(
          new NodeStatus.FileStatus(f.path().toString(), f.kind().dir(), r.count(), r.sha256()));
    }
    return out;
  }

  private static SortedSet<String> managed(Path dir, PartKey.Kind kind) throws ApplyException {
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

  private static Set<String> fileNames(Set<String> names, PartKey.Kind kind) {
    Set<String> out = new TreeSet<>();
    names.forEach(n -> out.add(n + RenderResult.extension(kind)));
    return out;
  }
}

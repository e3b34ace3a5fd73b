package io.promeshard.agent.apply;

import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.PromtoolOutput;
import io.promeshard.protocol.RecordRule;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the rules that make a share's rule files unloadable, so the rest can be applied. With a
 * promtool, each rule file is checked and promtool's per-rule errors name the culprits (a file it
 * refuses without naming a rule is checked rule by rule). Without one, or when promtool finds
 * nothing, the rules are bisected with trial applies: a trial writes a subset of the rules and
 * reloads Prometheus, and a rejected trial is rolled back by the applier. Rules are independent, so
 * a subset with no bad rule loads. Never throws; a promtool that cannot run falls back to
 * bisection.
 */
final class RuleSifter {
  private static final Logger log = LoggerFactory.getLogger(RuleSifter.class);
  private static final int MAX_ERROR = 500;

  /** Writes and loads a share with these rules; true when Prometheus accepted them. */
  interface Trial {
    boolean loads(NodeShare rules);
  }

  /** One rule of the share: its group, position in the group, and the rule. */
  private record Ref(String group, int index, RecordRule rule) {}

  private final Path promtool;
  private final Duration timeout;
  private final BiFunction<NodeShare, String, byte[]> render;
  private int trials;

  /**
   * {@code promtool} null: bisect only; {@code render} gives the bytes of a group's rule file as
   * the applier writes it.
   */
  RuleSifter(Path promtool, Duration timeout, BiFunction<NodeShare, String, byte[]> render) {
    this.promtool = promtool;
    this.timeout = timeout;
    this.render = render;
  }

  /** How many trial applies the last {@link #find} made. */
  int trials() {
    return trials;
  }

  /**
   * The rules of {@code share} (whose rules as a whole were rejected) that Prometheus rejects, in
   * group and rule order; empty when none could be singled out.
   */
  List<NodeStatus.RejectedRule> find(NodeShare share, Trial trial) {
    trials = 0;
    Map<Ref, String> bad = new LinkedHashMap<>();
    if (promtool != null) {
      try {
        bad.putAll(promtoolErrors(share));
      } catch (IOException e) {
        log.warn("[apply] {}: cannot check rules, bisecting instead: {}", promtool, e.getMessage());
      }
    }
    List<Ref> rest = refs(share).stream().filter(r -> !bad.containsKey(r)).toList();
    if (bad.isEmpty() || !tryLoad(share, rest, trial)) {
      bisect(share, rest, List.of(), bad.isEmpty(), trial)
          .forEach(r -> bad.put(r, "rejected by the Prometheus reload (found by reloading parts)"));
    }
    List<NodeStatus.RejectedRule> out = new ArrayList<>();
    bad.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<Ref, String> e) -> e.getKey().group())
                .thenComparingInt(e -> e.getKey().index()))
        .forEach(
            e ->
                out.add(
                    new NodeStatus.RejectedRule(
                        e.getKey().group(), e.getKey().rule().record(), e.getValue())));
    return out;
  }

  /** {@code share} without the rejected rules; groups left empty are dropped. */
  static NodeShare without(NodeShare share, List<NodeStatus.RejectedRule> rejected) {
    Map<String, List<RecordRule>> rules = new TreeMap<>();
    share
        .rules()
        .forEach(
            (group, list) -> {
              List<RecordRule> kept =
                  list.stream()
                      .filter(
                          r ->
                              rejected.stream()
                                  .noneMatch(
                                      x ->
                                          x.group().equals(group) && x.record().equals(r.record())))
                      .toList();
              if (!kept.isEmpty()) {
                rules.put(group, kept);
              }
            });
    Map<String, Duration> intervals = new TreeMap<>(share.intervals());
    intervals.keySet().retainAll(rules.keySet());
    return new NodeShare(share.targets(), rules, intervals, share.scrape());
  }

  /** The bad ones among {@code suspects}, given that {@code good} loads. */
  private List<Ref> bisect(
      NodeShare share, List<Ref> suspects, List<Ref> good, boolean knownToFail, Trial trial) {
    if (suspects.isEmpty()) {
      return List.of();
    }
    List<Ref> all = new ArrayList<>(good);
    all.addAll(suspects);
    if (!knownToFail && tryLoad(share, all, trial)) {
      return List.of();
    }
    if (suspects.size() == 1) {
      return suspects;
    }
    int half = suspects.size() / 2;
    List<Ref> left = suspects.subList(0, half);
    List<Ref> badLeft = bisect(share, left, good, false, trial);
    List<Ref> goodAll = new ArrayList<>(good);
    left.stream().filter(r -> !badLeft.contains(r)).forEach(goodAll::add);
    List<Ref> badRight =
        bisect(share, suspects.subList(half, suspects.size()), goodAll, badLeft.isEmpty(), trial);
    List<Ref> out = new ArrayList<>(badLeft);
    out.addAll(badRight);
    return out;
  }

  private boolean tryLoad(NodeShare share, List<Ref> keep, Trial trial) {
    trials++;
    Map<String, List<RecordRule>> rules = new TreeMap<>();
    keep.stream()
        .sorted(Comparator.comparing(Ref::group).thenComparingInt(Ref::index))
        .forEach(r -> rules.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r.rule()));
    Map<String, Duration> intervals = new TreeMap<>(share.intervals());
    intervals.keySet().retainAll(rules.keySet());
    boolean ok = trial.loads(new NodeShare(share.targets(), rules, intervals, share.scrape()));
    log.info("[apply] trial with {} of the rules: {}", keep.size(), ok ? "loaded" : "rejected");
    return ok;
  }

  private static List<Ref> refs(NodeShare share) {
    List<Ref> out = new ArrayList<>();
    new TreeMap<>(share.rules())
        .forEach(
            (group, rules) -> {
              for (int i = 0; i < rules.size(); i++) {
                out.add(new Ref(group, i, rules.get(i)));
              }
            });
    return out;
  }

  private Map<Ref, String> promtoolErrors(NodeShare share) throws IOException {
    Map<Ref, String> bad = new LinkedHashMap<>();
    Path dir = Files.createTempDirectory("prome-shard-sift");
    try {
      for (String group : new TreeMap<>(share.rules()).keySet()) {
        List<RecordRule> rules = share.rules().get(group);
        Checked whole = check(dir, share, group, rules);
        if (whole.exit() == 0) {
          continue;
        }
        Map<Ref, String> named = perRule(whole.output(), group, rules);
        if (named.isEmpty()) {
          for (int i = 0; i < rules.size(); i++) {
            Checked one = check(dir, share, group, List.of(rules.get(i)));
            if (one.exit() != 0) {
              named.put(new Ref(group, i, rules.get(i)), shorten(one.output()));
            }
          }
        }
        bad.putAll(named);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return bad;
  }

  private static Map<Ref, String> perRule(String output, String group, List<RecordRule> rules) {
    Map<Ref, String> out = new LinkedHashMap<>();
    PromtoolOutput.ruleErrors(output, group, rules)
        .forEach((n, error) -> out.put(new Ref(group, n - 1, rules.get(n - 1)), shorten(error)));
    return out;
  }

  private record Checked(int exit, String output) {}

  private Checked check(Path dir, NodeShare share, String group, List<RecordRule> rules)
      throws IOException {
    Map<String, List<RecordRule>> one = Map.of(group, rules);
    Map<String, Duration> interval = new TreeMap<>(share.intervals());
    interval.keySet().retainAll(one.keySet());
    Path file = dir.resolve(group + ".yml");
    Files.write(file, render.apply(new NodeShare(Map.of(), one, interval), group));
    Path out = dir.resolve("promtool.out");
    List<String> cmd = List.of(promtool.toString(), "check", "rules", file.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": no answer within " + timeout);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + promtool, e);
    }
    return new Checked(p.exitValue(), Files.readString(out));
  }

  private static String shorten(String s) {
    String one = s.strip().replaceAll("\\s*\n\\s*", " | ");
    return one.length() > MAX_ERROR ? one.substring(0, MAX_ERROR) + "..." : one;
  }
}

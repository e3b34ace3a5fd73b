package io.promeshard.protocol;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything one node is assigned: target groups per job and recording rules per rule group. This
 * is what the coordinator encodes into parts and what the agent assembles back. {@code intervals}
 * holds the evaluation interval of rule groups that have one, and {@code scrape} the scrape
 * settings of jobs that have their own (a Prometheus scrape_config without {@code job_name} and
 * service discovery, see {@link ScrapeSettings}); both travel in the manifest, not in the parts.
 */
public record NodeShare(
    Map<String, List<TargetGroup>> targets,
    Map<String, List<RecordRule>> rules,
    Map<String, Duration> intervals,
    Map<String, ScrapeSettings> scrape) {
  public NodeShare {
    targets = copy("job", targets);
    rules = copy("rule group", rules);
    TreeMap<String, Duration> byGroup = new TreeMap<>();
    if (intervals != null) {
      intervals.forEach((g, d) -> byGroup.put(Names.group(g), d));
    }
    intervals = Collections.unmodifiableMap(byGroup);
    TreeMap<String, ScrapeSettings> byJob = new TreeMap<>();
    if (scrape != null) {
      scrape.forEach((job, s) -> byJob.put(Names.job(job), Objects.requireNonNull(s, job)));
    }
    scrape = Collections.unmodifiableMap(byJob);
  }

  public NodeShare(
      Map<String, List<TargetGroup>> targets,
      Map<String, List<RecordRule>> rules,
      Map<String, Duration> intervals) {
    this(targets, rules, intervals, Map.of());
  }

  public NodeShare(Map<String, List<TargetGroup>> targets, Map<String, List<RecordRule>> rules) {
    this(targets, rules, Map.of());
  }

  public static NodeShare empty() {
    return new NodeShare(Map.of(), Map.of());
  }

  /**
   * The manifest form of {@link #intervals}: group → duration string, for groups this share has.
   */
  public Map<String, String> manifestIntervals() {
    Map<String, String> out = new TreeMap<>();
    intervals.forEach(
        (g, d) -> {
          if (rules.containsKey(g)) {
            out.put(g, Durations.format(d));
          }
        });
    return out;
  }

  /** The manifest form of {@link #scrape}: job → settings object, for jobs this share has. */
  public Map<String, ScrapeSettings> manifestScrape() {
    Map<String, ScrapeSettings> out = new TreeMap<>();
    scrape.forEach(
        (job, s) -> {
          if (targets.containsKey(job)) {
            out.put(job, s);
          }
        });
    return out;
  }

  /** The same share with {@code scrape} as the scrape settings. */
  public NodeShare withScrape(Map<String, ScrapeSettings> scrape) {
    return new NodeShare(targets, rules, intervals, scrape);
  }

  public int targetCount() {
    return targets.values().stream().flatMap(List::stream).mapToInt(g -> g.targets().size()).sum();
  }

  public int ruleCount() {
    return rules.values().stream().mapToInt(List::size).sum();
  }

  private static <T> Map<String, List<T>> copy(String what, Map<String, List<T>> in) {
    TreeMap<String, List<T>> out = new TreeMap<>();
    if (in != null) {
      in.forEach((name, list) -> out.put(Names.require(what, name), List.copyOf(list)));
    }
    return Collections.unmodifiableMap(out);
  }
}

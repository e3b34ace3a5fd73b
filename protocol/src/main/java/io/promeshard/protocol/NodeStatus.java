package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What an agent reports under {@code status/<node>}: the generation it applied, every file it
 * manages with its entry count and sha256, the last reload, the last error (empty when none), the
 * rules Prometheus rejected and the agent left out (omitted when none) and what it {@link Observed
 * observed} its Prometheus do (omitted by agents that do not observe), and what it knows of its
 * {@link PrometheusInfo Prometheus} (its version, and what that version cannot do). Read leniently:
 * fields a newer agent adds are ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeStatus(
    String node,
    @JsonProperty("applied_generation") long appliedGeneration,
    long epoch,
    List<FileStatus> files,
    Reload reload,
    @JsonProperty("last_error") String lastError,
    @JsonProperty("updated_at") String updatedAt,
    @JsonProperty("rejected_rules") @JsonInclude(JsonInclude.Include.NON_EMPTY)
        List<RejectedRule> rejectedRules,
    Observed observed,
    PrometheusInfo prometheus) {

  public NodeStatus {
    Names.node(node);
    files = files == null ? List.of() : List.copyOf(files);
    lastError = lastError == null ? "" : lastError;
    updatedAt = updatedAt == null ? "" : updatedAt;
    rejectedRules = rejectedRules == null ? List.of() : List.copyOf(rejectedRules);
  }

  /** A status that says nothing of what Prometheus did (an agent that does not observe). */
  public NodeStatus(
      String node,
      long appliedGeneration,
      long epoch,
      List<FileStatus> files,
      Reload reload,
      String lastError,
      String updatedAt,
      List<RejectedRule> rejectedRules) {
    this(
        node,
        appliedGeneration,
        epoch,
        files,
        reload,
        lastError,
        updatedAt,
        rejectedRules,
        null,
        null);
  }

  /** A status without what the agent knows of its Prometheus. */
  public NodeStatus(
      String node,
      long appliedGeneration,
      long epoch,
      List<FileStatus> files,
      Reload reload,
      String lastError,
      String updatedAt,
      List<RejectedRule> rejectedRules,
      Observed observed) {
    this(
        node,
        appliedGeneration,
        epoch,
        files,
        reload,
        lastError,
        updatedAt,
        rejectedRules,
        observed,
        null);
  }

  /** This status with {@code updatedAt} replaced, e.g. blank to compare contents. */
  public NodeStatus at(String time) {
    return new NodeStatus(
        node,
        appliedGeneration,
        epoch,
        files,
        reload,
        lastError,
        time,
        rejectedRules,
        observed,
        prometheus);
  }

  /**
   * The local Prometheus as the agent knows it: {@code version} from {@code
   * /api/v1/status/buildinfo} ("" when not read yet) and {@code limits}, one sentence per thing the
   * share asks that this version cannot do (e.g. per-job scrape settings before 2.43), naming the
   * jobs concerned.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PrometheusInfo(String version, List<String> limits) {
    public PrometheusInfo {
      version = version == null ? "" : version;
      limits = limits == null ? List.of() : List.copyOf(limits);
    }
  }

  /** A status without rejected rules. */
  public static NodeStatus of(
      String node,
      long appliedGeneration,
      long epoch,
      List<FileStatus> files,
      Reload reload,
      String lastError,
      String updatedAt) {
    return new NodeStatus(
        node, appliedGeneration, epoch, files, reload, lastError, updatedAt, List.of());
  }

  /**
   * One rendered file: {@code kind} is "targets" or "rules", {@code count} its targets or rules.
   */
  public record FileStatus(String path, String kind, int count, String sha256) {}

  /** The last reload: when, whether Prometheus accepted it, and its error message if not. */
  public record Reload(String at, boolean ok, String message) {}

  /** A recording rule left out of the node's rule files because Prometheus rejected it. */
  public record RejectedRule(String group, String record, String error) {}

  /**
   * What the agent has not yet seen its Prometheus do, which the coordinator waits for before a
   * target or record leaves its old owner (make-before-break): the targets ({@code job/address}) of
   * its files that Prometheus has not yet scraped twice since the agent added them (the second
   * scrape means the old owner, at the same interval, scraped them meanwhile too), at most {@link
   * #LISTED} of them named and {@code unscrapedCount} in all, and the rule groups that gained
   * records and have not been evaluated twice since Prometheus loaded them. A target Prometheus
   * drops by relabeling counts as scraped: no server will ever scrape it. Lists are sorted.
   *
   * <p>Later observations (e.g. samples per target) are added here as new fields, which older
   * coordinators ignore.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Observed(
      List<String> unscraped,
      @JsonProperty("unscraped_count") int unscrapedCount,
      List<String> unevaluated) {
    /** How many unscraped targets a status names at most; the count goes on. */
    public static final int LISTED = 1000;

    public static final Observed NOTHING_PENDING = new Observed(List.of(), 0, List.of());

    public Observed {
      unscraped = unscraped == null ? List.of() : List.copyOf(unscraped);
      unevaluated = unevaluated == null ? List.of() : List.copyOf(unevaluated);
      if (unscrapedCount < unscraped.size()) {
        throw new ProtocolException(
            "status: unscraped_count "
                + unscrapedCount
                + " is below the "
                + unscraped.size()
                + " targets listed");
      }
    }

    /** True when {@code unscraped} names every target not scraped yet. */
    public boolean complete() {
      return unscrapedCount == unscraped.size();
    }
  }
}

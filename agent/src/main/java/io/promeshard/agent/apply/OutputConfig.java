package io.promeshard.agent.apply;

import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.ReloadOn;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the agent writes its output: the file_sd and rules directories (may be the same),
 * the scrape-config directory (neither of those: it holds {@code <job>.yml} and {@code <job>.json}
 * of jobs with their own scrape settings, which the other directories' globs must not pick up), the
 * rule evaluation interval (null: Prometheus' global one), an optional check command for staged
 * rule files (null: none), when to reload, and the promtool used to find the rules Prometheus
 * rejects and to check scrape configs (null: none; rules are then found by reloading parts of them,
 * and scrape configs are checked by the reload alone). Missing or clashing directories throw
 * IllegalArgumentException naming the setting.
 */
public record OutputConfig(
    Path fileSdDir,
    Path rulesDir,
    Path scrapeConfigDir,
    Duration ruleInterval,
    CheckCommand ruleCheck,
    ReloadPolicy reloadPolicy,
    Path promtool) {

  private static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(30);

  /** When {@link Applier#apply} asks Prometheus to reload. */
  public enum ReloadPolicy {
    /**
     * Only when a rule file or scrape config was created, changed or removed (file_sd changes are
     * picked up without one).
     */
    RULE_CHANGES,
    /** When any output file changed. */
    ANY_CHANGE,
    /** Never; the caller reloads, if at all. */
    NEVER;

    /** The policy that matches the {@code reload_on} setting. */
    public static ReloadPolicy of(ReloadOn reloadOn) {
      return switch (reloadOn) {
        case RULES -> RULE_CHANGES;
        case ALWAYS -> ANY_CHANGE;
        case NEVER -> NEVER;
      };
    }
  }

  public OutputConfig {
    if (fileSdDir == null) {
      throw new IllegalArgumentException("file_sd_dir: a directory is required");
    }
    if (rulesDir == null) {
      throw new IllegalArgumentException("rules_dir: a directory is required");
    }
    if (ruleInterval != null && ruleInterval.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "rule_interval: expected a positive duration, found " + ruleInterval);
    }
    fileSdDir = fileSdDir.toAbsolutePath().normalize();
    rulesDir = rulesDir.toAbsolutePath().normalize();
    if (scrapeConfigDir == null) {
      throw new IllegalArgumentException("scrape_config_dir: a directory is required");
    }
    scrapeConfigDir = scrapeConfigDir.toAbsolutePath().normalize();
    if (scrapeConfigDir.equals(fileSdDir) || scrapeConfigDir.equals(rulesDir)) {
      throw new IllegalArgumentException(
          "scrape_config_dir: must differ from file_sd_dir and rules_dir, found "
              + scrapeConfigDir);
    }
    reloadPolicy = reloadPolicy == null ? ReloadPolicy.RULE_CHANGES : reloadPolicy;
  }

  /**
   * Where and how the applier writes, from the agent's settings; the check command's program is the
   * promtool when it is one ({@code check_command: [promtool, check, rules]}).
   */
  public static OutputConfig from(AgentConfig config) {
    CheckCommand check =
        config.checkCommand().isEmpty()
            ? null
            : new CheckCommand(config.checkCommand(), config.checkTimeout());
    return new OutputConfig(
        config.fileSdDir(),
        config.rulesDir(),
        config.scrapeConfigDir(),
        config.ruleInterval(),
        check,
        ReloadPolicy.of(config.reloadOn()),
        promtoolOf(check));
  }

  private static Path promtoolOf(CheckCommand check) {
    if (check == null) {
      return null;
    }
    Path program = Path.of(check.argv().get(0));
    return program.getFileName() != null && program.getFileName().toString().equals("promtool")
        ? program
        : null;
  }

  /**
   * Both directories, {@code scrape_configs} beside the file_sd directory, the given interval, no
   * check command, reload on rule changes.
   */
  public static OutputConfig of(Path fileSdDir, Path rulesDir, Duration ruleInterval) {
    Path sd = fileSdDir.toAbsolutePath().normalize();
    Path scrape =
        sd.getParent() == null ? sd.resolve("scrape_configs") : sd.resolveSibling("scrape_configs");
    return new OutputConfig(
        fileSdDir, rulesDir, scrape, ruleInterval, null, ReloadPolicy.RULE_CHANGES, null);
  }

  public OutputConfig withRuleCheck(CheckCommand check) {
    return new OutputConfig(
        fileSdDir, rulesDir, scrapeConfigDir, ruleInterval, check, reloadPolicy, promtool);
  }

  public OutputConfig withReloadPolicy(ReloadPolicy policy) {
    return new OutputConfig(
        fileSdDir, rulesDir, scrapeConfigDir, ruleInterval, ruleCheck, policy, promtool);
  }

  public OutputConfig withPromtool(Path promtool) {
    return new OutputConfig(
        fileSdDir, rulesDir, scrapeConfigDir, ruleInterval, ruleCheck, reloadPolicy, promtool);
  }

  public OutputConfig withScrapeConfigDir(Path dir) {
    return new OutputConfig(
        fileSdDir, rulesDir, dir, ruleInterval, ruleCheck, reloadPolicy, promtool);
  }

  /** promtool's check of staged scrape configs, or null without a promtool. */
  ScrapeConfigCheck scrapeConfigCheck() {
    if (promtool == null) {
      return null;
    }
    return new ScrapeConfigCheck(
        promtool, ruleCheck == null ? DEFAULT_CHECK_TIMEOUT : ruleCheck.timeout());
  }
}

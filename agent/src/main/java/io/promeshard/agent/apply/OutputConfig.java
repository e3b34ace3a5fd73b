package io.promeshard.agent.apply;

import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.config.ReloadOn;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the agent writes its output: the file_sd and rules directories (may be the same),
 * the rule evaluation interval (null: Prometheus' global one), an optional check command for staged
 * rule files (null: none), when to reload, and the promtool used to find the rules Prometheus
 * rejects (null: none; they are then found by reloading parts of the rules). Missing directories
 * throw IllegalArgumentException naming the setting.
 */
public record OutputConfig(
    Path fileSdDir,
    Path rulesDir,
    Duration ruleInterval,
    CheckCommand ruleCheck,
    ReloadPolicy reloadPolicy,
    Path promtool) {

  /** When {@link Applier#apply} asks Prometheus to reload. */
  public enum ReloadPolicy {
    /**
     * Only when a rule file was created, changed or removed (file_sd changes are picked up without
     * one).
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

  /** Both directories, the given interval, no check command, reload on rule changes. */
  public static OutputConfig of(Path fileSdDir, Path rulesDir, Duration ruleInterval) {
    return new OutputConfig(
        fileSdDir, rulesDir, ruleInterval, null, ReloadPolicy.RULE_CHANGES, null);
  }

  public OutputConfig withRuleCheck(CheckCommand check) {
    return new OutputConfig(fileSdDir, rulesDir, ruleInterval, check, reloadPolicy, promtool);
  }

  public OutputConfig withReloadPolicy(ReloadPolicy policy) {
    return new OutputConfig(fileSdDir, rulesDir, ruleInterval, ruleCheck, policy, promtool);
  }

  public OutputConfig withPromtool(Path promtool) {
    return new OutputConfig(fileSdDir, rulesDir, ruleInterval, ruleCheck, reloadPolicy, promtool);
  }
}

package io.promeshard.agent.config;

/**
 * Settings given on the command line; each non-null value replaces the file's. Holds text as typed,
 * validated only when {@link AgentConfig#resolve} builds the configuration.
 */
public record Overrides(
    String node,
    String consul,
    String tokenFile,
    String prefix,
    String fileSdDir,
    String rulesDir,
    String scrapeConfigDir,
    String templatesDir,
    String reloadUrl) {

  public static final Overrides NONE =
      new Overrides(null, null, null, null, null, null, null, null, null);

  /** Flags without a scrape-config directory. */
  public Overrides(
      String node,
      String consul,
      String tokenFile,
      String prefix,
      String fileSdDir,
      String rulesDir,
      String templatesDir,
      String reloadUrl) {
    this(node, consul, tokenFile, prefix, fileSdDir, rulesDir, null, templatesDir, reloadUrl);
  }
}

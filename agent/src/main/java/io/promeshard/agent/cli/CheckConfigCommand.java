package io.promeshard.agent.cli;

import io.promeshard.agent.config.AgentConfig;
import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.cli.ExitCodes;
import io.promeshard.protocol.consul.ConsulHttp;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code prome-shard-agent check}: validates the configuration and renders sample data through both
 * templates.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Validates the configuration (unknown keys, values, node name, Consul address, token and CA files) and the "
          + "templates (renders sample data full of awkward characters through each and parses it back).",
      "Prints \"config ok\" and exits 0, or prints the error and exits 2. Contacts nothing."
    })
final class CheckConfigCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions options;

  @Override
  public Integer call() {
    AgentConfig config = options.resolve();
    config.consul().readToken();
    ConsulHttp.create(config.consul()).close();
    new Renderer(Templates.directoryOrBundled(config.templatesDir())).check();
    spec.commandLine()
        .getOut()
        .printf(
            "config ok: %s; node %s, consul %s, prefix %s, scrape_config_dir %s, templates %s,"
                + " samples %s%n",
            options.source(),
            config.node(),
            config.consul().address(),
            config.prefix(),
            config.scrapeConfigDir(),
            config.templatesDir() == null ? "bundled" : config.templatesDir(),
            config.samples().enabled()
                ? "every " + Durations.format(config.samples().interval())
                : "off");
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}

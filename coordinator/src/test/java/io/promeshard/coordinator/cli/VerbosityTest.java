package io.promeshard.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VerbosityTest {
  /** The log level the command line would set for {@code args}. */
  private static String level(String... args) {
    CommandLine.ParseResult leaf = new CommandLine(new CoordinatorMain()).parseArgs(args);
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return Verbosity.level(leaf.commandSpec().userObject());
  }

  @Test
  void commandsThatAnswerLogOnlyWarningsUnlessAskedForMore() {
    assertEquals("warn", level("plan"));
    assertEquals("warn", level("explain", "web", "127.0.0.1:9100"));
    assertEquals("warn", level("status", "--output", "json"));
    assertEquals("info", level("plan", "-v"));
    assertEquals("debug", level("status", "-vv"));
    assertEquals("debug", level("explain", "-v", "--verbose", "web", "a:1"));
  }

  @Test
  void theServiceKeepsItsInfoLogAndDebugsWithV() {
    assertNull(level("run"), "the logger's own default (INFO, or what -D says)");
    assertEquals("debug", level("run", "-v"));
    assertNull(level("config", "validate", "x"), "config commands are left as they are");
  }
}

package io.promeshard.protocol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.consul.ConsulConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ExitCodesTest {
  @Command(name = "tool")
  static final class Tool implements Runnable {
    @Override
    public void run() {}
  }

  @Command(name = "fail")
  static final class Fail implements Callable<Integer> {
    private final RuntimeException failure;

    Fail(RuntimeException failure) {
      this.failure = failure;
    }

    @Override
    public Integer call() {
      if (failure != null) {
        throw failure;
      }
      return ExitCodes.OK;
    }
  }

  private final StringWriter err = new StringWriter();

  private int run(RuntimeException failure, String... args) {
    CommandLine cl = new CommandLine(new Tool()).addSubcommand("fail", new Fail(failure));
    cl.setErr(new PrintWriter(err, true));
    return ExitCodes.configure(cl).execute(args);
  }

  @Test
  void configurationErrorsExitTwoAndNameTheProgram() {
    assertEquals(
        2, run(new ConfigException("reload_url: expected http(s) URL, found ftp://x"), "fail"));
    assertEquals(
        "tool: reload_url: expected http(s) URL, found ftp://x\n",
        err.toString().replace("\r", ""));
    assertEquals(2, run(new ConsulConfigException("consul.address: bad"), "fail"));
    assertEquals(2, run(new ProtocolException("node: invalid name"), "fail"));
    assertEquals(
        2, run(new IllegalArgumentException("file_sd_dir: a directory is required"), "fail"));
  }

  @Test
  void runtimeFailuresExitOneAsErrors() {
    assertEquals(1, run(new UncheckedIOException(new IOException("disk full")), "fail"));
    assertEquals("tool: error: disk full\n", err.toString().replace("\r", ""));
    assertEquals(
        1, run(new UncheckedIOException(new ConnectException("Connection refused")), "fail"));
    assertEquals(1, run(new IllegalStateException("boom"), "fail"));
  }

  @Test
  void usageErrorsExitTwoWithAHint() {
    assertEquals(2, run(null, "fail", "--no-such-flag"));
    assertEquals(2, run(null, "frobnicate"));
    assertTrue(
        err.toString().contains("Try 'tool fail --help' for more information."), err.toString());
  }

  @Test
  void successIsZero() {
    assertEquals(0, run(null));
    assertEquals(0, run(null, "fail"));
  }
}

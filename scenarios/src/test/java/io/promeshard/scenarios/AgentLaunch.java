package io.promeshard.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link Fleet} starts each agent process: as the test's own user or, for faults that need an
 * agent permissions apply to, as user and group 65534 (nobody) through {@code setpriv} when the
 * tests run as root (as here and in CI; a non-root test user is unprivileged already); whether the
 * agent serves {@code /metrics} and {@code /healthz} on a loopback port; and whether each file_sd
 * directory is a tmpfs of {@code fileSdTmpfs} bytes (e.g. {@code 512k}; null: no), which a test can
 * fill to the last byte.
 */
record AgentLaunch(boolean unprivileged, boolean ops, String fileSdTmpfs) {
  static final AgentLaunch PLAIN = new AgentLaunch(false, false, null);

  /** As {@link #PLAIN}, serving /metrics and /healthz on a loopback port. */
  static final AgentLaunch WITH_OPS = new AgentLaunch(false, true, null);

  static final int NOBODY = 65534;

  /**
   * An agent that is not root (so file permissions hold for it), serves /healthz, and writes
   * file_sd files to a tmpfs of {@code fileSdTmpfs}.
   */
  static AgentLaunch unprivilegedWithOps(String fileSdTmpfs) {
    return new AgentLaunch(true, true, fileSdTmpfs);
  }

  /** {@code command} run as this launch says. */
  List<String> command(List<String> command) {
    if (!unprivileged || !runningAsRoot()) {
      return command;
    }
    Path setpriv = Path.of("/usr/bin/setpriv");
    if (!Files.isExecutable(setpriv)) {
      throw new AssertionError(
          "setpriv missing: the unwritable-directory faults run the agent as nobody through"
              + " setpriv (util-linux: apt-get install util-linux)");
    }
    List<String> out =
        new ArrayList<>(
            List.of(
                setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    out.addAll(command);
    return out;
  }

  /** Hands {@code dirs} to the user the agent runs as, so it can write there. */
  void own(Path... dirs) {
    if (!unprivileged || !runningAsRoot()) {
      return;
    }
    for (Path dir : dirs) {
      try {
        Files.setAttribute(dir, "unix:uid", NOBODY);
        Files.setAttribute(dir, "unix:gid", NOBODY);
      } catch (IOException e) {
        throw new UncheckedIOException("handing " + dir + " to uid " + NOBODY, e);
      }
    }
  }

  static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}

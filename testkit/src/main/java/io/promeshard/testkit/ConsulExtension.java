package io.promeshard.testkit;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One real Consul per test class: {@code @RegisterExtension static final ConsulExtension consul =
 * new ConsulExtension();}. The log stays at {@code target/test-logs/<TestClass>/consul.log}; a
 * failed test prints its path and tail to stderr.
 */
public final class ConsulExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private static final int TAIL_LINES = 40;

  private final String extraConfig;
  private final String token;
  private ConsulServer server;
  private String ownerId;

  public ConsulExtension() {
    this(null, null);
  }

  /**
   * A Consul with extra agent config (HCL or JSON), e.g. ACLs; {@code token} is the management
   * token or null.
   */
  public ConsulExtension(String extraConfig, String token) {
    this.extraConfig = extraConfig;
    this.token = token;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (server != null) {
      return; // nested test classes share the outer class's Consul
    }
    Class<?> testClass = context.getRequiredTestClass();
    server = ConsulServer.start(logDir(testClass), extraConfig, token);
    ownerId = context.getUniqueId();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null && context.getUniqueId().equals(ownerId)) {
      server.close();
      server = null;
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (server == null) {
      return;
    }
    System.err.println(
        "[testkit] "
            + context.getRequiredTestClass().getSimpleName()
            + "."
            + context.getDisplayName()
            + " failed; consul log "
            + server.logFile()
            + " (last "
            + TAIL_LINES
            + " lines):");
    System.err.println(server.logTail(TAIL_LINES));
  }

  public ConsulServer server() {
    if (server == null) {
      throw new IllegalStateException(
          "Consul is not running: register ConsulExtension on a static field");
    }
    return server;
  }

  public String url() {
    return server().url();
  }

  /** The management token given to the constructor, if any. */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /** Deletes every KV key, for isolation between test methods. */
  public void clearKv() {
    server().clearKv();
  }

  /**
   * {@code <module>/target/test-logs/<TestClass>}, relative to the working directory surefire uses.
   */
  public static Path logDir(Class<?> testClass) {
    return Paths.get("target", "test-logs", testClass.getSimpleName()).toAbsolutePath();
  }
}

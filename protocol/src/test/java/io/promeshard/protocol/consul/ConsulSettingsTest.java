package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsulSettingsTest {
  @TempDir Path dir;

  @Test
  void nonHttpAddressIsRejectedNamingTheSettingAndValue() {
    ConsulConfigException e =
        assertThrows(ConsulConfigException.class, () -> ConsulSettings.of("ftp://x:1"));
    assertEquals("consul.address: expected http(s)://host[:port], found ftp://x:1", e.getMessage());
    assertThrows(ConsulConfigException.class, () -> ConsulSettings.of("127.0.0.1:8500"));
    assertThrows(ConsulConfigException.class, () -> ConsulSettings.of("http://a b"));
  }

  @Test
  void defaultsAndPorts() {
    assertEquals("http://127.0.0.1:8500", ConsulSettings.of(null).address().toString());
    assertEquals(443, ConsulSettings.of("https://consul.example").port());
    assertEquals(8501, ConsulSettings.of("https://consul.example:8501").port());
  }

  @Test
  void tokenIsReadFromTheFileTrimmed() throws Exception {
    Path f = Files.writeString(dir.resolve("token"), "  abc-123\n");
    assertEquals(Optional.of("abc-123"), ConsulSettings.of("http://h:1", f, null).readToken());
    assertEquals(Optional.empty(), ConsulSettings.of("http://h:1").readToken());
  }

  @Test
  void unreadableOrEmptyTokenFileIsAnErrorNamingTheFile() throws Exception {
    Path missing = dir.resolve("nope");
    ConsulConfigException e =
        assertThrows(
            ConsulConfigException.class,
            () -> ConsulSettings.of("http://h:1", missing, null).readToken());
    assertTrue(
        e.getMessage().startsWith("consul.token_file: cannot read " + missing), e.getMessage());
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    e =
        assertThrows(
            ConsulConfigException.class,
            () -> ConsulSettings.of("http://h:1", empty, null).readToken());
    assertTrue(e.getMessage().contains(empty + " is empty"), e.getMessage());
  }

  @Test
  void caFileNeedsHttpsAndAPemCertificate() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    assertThrows(ConsulConfigException.class, () -> ConsulSettings.of("http://h:1", null, ca));
    ConsulConfigException e =
        assertThrows(
            ConsulConfigException.class,
            () -> ConsulHttp.create(ConsulSettings.of("https://h:1", null, ca)));
    assertTrue(e.getMessage().startsWith("consul.ca_file: "), e.getMessage());
    assertTrue(e.getMessage().contains(ca.toString()), e.getMessage());
  }

  @Test
  void blockingReadTimeoutExceedsWaitPlusConsulJitter() {
    java.time.Duration wait = java.time.Duration.ofMinutes(5);
    assertTrue(ConsulHttp.readTimeoutFor(wait).compareTo(wait.plus(wait.dividedBy(16))) > 0);
  }
}

package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"web", "node-1", "prom01.dc1", "A_b-c.d", "9"})
  void acceptsNamesThatAreSafeFileNames(String name) {
    assertTrue(Names.isValid(name));
    assertEquals(name, Names.job(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "../x",
        "..",
        ".",
        ".hidden",
        "a/b",
        "a\\b",
        "-web",
        "_x",
        "web ",
        "wé",
        "a\u0000b"
      })
  void rejectsNamesThatCouldEscapeADirectoryOrHideAFile(String name) {
    assertFalse(Names.isValid(name));
    ProtocolException e = assertThrows(ProtocolException.class, () -> Names.node(name));
    assertTrue(e.getMessage().startsWith("node: invalid name"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {128, 129})
  void limitsLengthTo128(int length) {
    assertEquals(length == 128, Names.isValid("a".repeat(length)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"up", "job:rate5m", "hke:heavy_expr:0123abcd", "_x"})
  void acceptsMetricNames(String name) {
    assertTrue(Names.isMetricName(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"prome-shard-node", "a", "node_exporter", "A1"})
  void acceptsConsulServiceNames(String name) {
    assertTrue(Names.isServiceName(name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-x", "a.b", "a/b", "a b"})
  void rejectsOtherServiceNames(String name) {
    assertFalse(Names.isServiceName(name), name);
  }

  @Test
  void aServiceNameHasAtMost63Characters() {
    assertTrue(Names.isServiceName("a".repeat(63)));
    assertFalse(Names.isServiceName("a".repeat(64)));
    assertFalse(Names.isServiceName(null));
  }
}

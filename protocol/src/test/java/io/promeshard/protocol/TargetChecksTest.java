package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TargetChecksTest {
  private static final String URL_HINT =
      "expected host:port, not a URL (scheme and path are scrape settings; a job whose scrape"
          + " settings rewrite __address__, as blackbox does, may list URLs)";
  private static final String LEGACY_HINT =
      ": must match [a-zA-Z_][a-zA-Z0-9_]* (or set label_names: utf8 for Prometheus 3)";
  private static final String RESERVED_HINT =
      ": names starting with __ are reserved and dropped by Prometheus; a target may set only"
          + " __scheme__, __metrics_path__, __param_<name>, __scrape_interval__,"
          + " __scrape_timeout__ and __meta_*";

  static Stream<Arguments> scrapedAddresses() {
    return Stream.of(
        ok("127.0.0.1:9100"),
        ok("0.0.0.0:1"),
        ok("255.255.255.255:65535"),
        ok("localhost:9100"),
        ok("node-1.dc1.example.com:9100"),
        ok("example.com.:443"),
        ok("my_host:8080"),
        ok("[::1]:9100"),
        ok("[2001:db8::1]:9100"),
        ok("[2001:db8:0:0:0:0:0:1]:9100"),
        ok("[::]:80"),
        ok("[::ffff:192.0.2.1]:9100"),
        ok("[fe80::1%eth0]:9100"),
        bad("", "empty address"),
        bad("node1", "address \"node1\": missing port: expected host:port, e.g. node1:9100"),
        bad("node1:", "address \"node1:\": missing port after ':'"),
        bad(":9100", "address \":9100\": missing host: expected host:port"),
        bad("node1:0", "address \"node1:0\": port \"0\" is not a number from 1 to 65535"),
        bad(
            "node1:65536",
            "address \"node1:65536\": port \"65536\" is not a number from 1 to 65535"),
        bad("node1:http", "address \"node1:http\": port \"http\" is not a number from 1 to 65535"),
        bad(
            "node1:123456",
            "address \"node1:123456\": port \"123456\" is not a number from 1 to 65535"),
        bad("http://node1:9100", "address \"http://node1:9100\": " + URL_HINT),
        bad("node1:9100/metrics", "address \"node1:9100/metrics\": " + URL_HINT),
        bad(
            "::1:9100",
            "address \"::1:9100\": an IPv6 address goes in brackets: expected [IPv6]:port, e.g."
                + " [2001:db8::1]:9100"),
        bad("[::1]", "address \"[::1]\": expected [IPv6]:port, e.g. [2001:db8::1]:9100"),
        bad("[::1:9100", "address \"[::1:9100\": missing ] after the IPv6 address"),
        bad("[1::2::3]:9100", "address \"[1::2::3]:9100\": \"1::2::3\" is not an IPv6 address"),
        bad("[12345::1]:9100", "address \"[12345::1]:9100\": \"12345::1\" is not an IPv6 address"),
        bad(
            "[1:2:3:4:5:6:7:8:9]:80",
            "address \"[1:2:3:4:5:6:7:8:9]:80\": \"1:2:3:4:5:6:7:8:9\" is not an IPv6 address"),
        bad("[node1]:9100", "address \"[node1]:9100\": \"node1\" is not an IPv6 address"),
        bad(
            "10.0.0.256:9100",
            "address \"10.0.0.256:9100\": \"10.0.0.256\" is not an IPv4 address"),
        bad("10.0.0:9100", "address \"10.0.0:9100\": \"10.0.0\" is not an IPv4 address"),
        bad(
            "-node:9100",
            "address \"-node:9100\": \"-node\" is not a host name (dot-separated labels of"
                + " letters, digits, - and _)"),
        bad(
            "a..b:9100",
            "address \"a..b:9100\": \"a..b\" is not a host name (dot-separated labels of"
                + " letters, digits, - and _)"),
        bad(
            "caf\u00e9.example:9100",
            "address \"caf\u00e9.example:9100\": \"caf\u00e9.example\" is not a host name"
                + " (dot-separated labels of letters, digits, - and _)"),
        bad("node 1:9100", "address \"node 1:9100\": whitespace U+0020 at index 4"),
        bad(" node1:9100", "address \" node1:9100\": whitespace U+0020 at index 0"),
        bad("node1:9100\n", "address \"node1:9100\\n\": whitespace U+000A at index 10"),
        bad(
            "node1\u0000:9100",
            "address \"node1\\u0000:9100\": control character U+0000 at index 5"),
        bad("node1:9100\u00a0", "address \"node1:9100\\u00a0\": whitespace U+00A0 at index 10"),
        bad(
            "node1:9100\u007f",
            "address \"node1:9100\\u007f\": control character U+007F at index 10"),
        bad(
            "node1\ud800:9100",
            "address \"node1\\ud800:9100\": not valid UTF-8 (unpaired surrogate at index 5)"));
  }

  @ParameterizedTest
  @MethodSource("scrapedAddresses")
  void aScrapedTargetIsHostAndPort(String address, Optional<String> problem) {
    assertEquals(problem, TargetChecks.addressProblem(address, false));
  }

  static Stream<Arguments> probedAddresses() {
    return Stream.of(
        ok("https://example.com/health?full=1"),
        ok("example.com"),
        ok("icmp-target"),
        ok("127.0.0.1:9100"),
        ok("https://caf\u00e9.example/"),
        bad("", "empty address"),
        bad(
            "https://example.com/a b",
            "address \"https://example.com/a b\": whitespace U+0020 at index 21"),
        bad(
            "https://example.com/\t",
            "address \"https://example.com/\\t\": whitespace U+0009 at index 20"),
        bad(
            "https://example.com/\u0085",
            "address \"https://example.com/\\u0085\": control character U+0085 at index 20"));
  }

  @ParameterizedTest
  @MethodSource("probedAddresses")
  void aProbedTargetIsAnyTextWithoutWhitespaceOrControls(String address, Optional<String> problem) {
    assertEquals(problem, TargetChecks.addressProblem(address, true));
  }

  static Stream<Arguments> legacyNames() {
    return Stream.of(
        ok("env"),
        ok("_private"),
        ok("Zone_2"),
        ok("__scheme__"),
        ok("__metrics_path__"),
        ok("__param_module"),
        ok("__scrape_interval__"),
        ok("__scrape_timeout__"),
        ok("__meta_consul_service"),
        bad("", "empty label name"),
        bad(null, "empty label name"),
        bad("1abc", "label name \"1abc\"" + LEGACY_HINT),
        bad("service.name", "label name \"service.name\"" + LEGACY_HINT),
        bad("caf\u00e9", "label name \"caf\u00e9\"" + LEGACY_HINT),
        bad("has-dash", "label name \"has-dash\"" + LEGACY_HINT),
        bad("a b", "label name \"a b\"" + LEGACY_HINT),
        bad(
            "__address__",
            "label name \"__address__\": set by each entry of \"targets\", so a label of this"
                + " name is ignored"),
        bad("__name__", "label name \"__name__\"" + RESERVED_HINT),
        bad("__tmp_x", "label name \"__tmp_x\"" + RESERVED_HINT),
        bad("__param_", "label name \"__param_\"" + RESERVED_HINT),
        bad("__meta_", "label name \"__meta_\"" + RESERVED_HINT),
        bad("__", "label name \"__\"" + RESERVED_HINT));
  }

  @ParameterizedTest
  @MethodSource("legacyNames")
  void legacyLabelNamesFollowThePrometheus2Pattern(String name, Optional<String> problem) {
    assertEquals(problem, TargetChecks.labelNameProblem(name, LabelNameScheme.LEGACY));
  }

  static Stream<Arguments> utf8Names() {
    return Stream.of(
        ok("env"),
        ok("1abc"),
        ok("service.name"),
        ok("caf\u00e9"),
        ok("has-dash"),
        ok("a b"),
        ok("\u4e2d\u6587 \ud83c\udf89"),
        // Prometheus' rule is "valid UTF-8", and NUL is valid UTF-8
        ok("nul\u0000inside"),
        ok("__param_caf\u00e9"),
        bad("", "empty label name"),
        bad(
            "bad\ud800",
            "label name \"bad\\ud800\": not valid UTF-8 (unpaired surrogate at index 3)"),
        bad("\udc00", "label name \"\\udc00\": not valid UTF-8 (unpaired surrogate at index 0)"),
        bad("__x.y", "label name \"__x.y\"" + RESERVED_HINT));
  }

  @ParameterizedTest
  @MethodSource("utf8Names")
  void utf8LabelNamesAreAnyNonEmptyUtf8(String name, Optional<String> problem) {
    assertEquals(problem, TargetChecks.labelNameProblem(name, LabelNameScheme.UTF8));
  }

  static Stream<Arguments> labelValues() {
    return Stream.of(
        ok(""),
        ok("plain"),
        ok("line1\nline2"),
        ok("\ud83c\udf89"),
        bad(null, "label \"v\": no value"),
        bad("x\ud83c", "label \"v\": value is not valid UTF-8 (unpaired surrogate at index 1)"),
        bad("\udf89x", "label \"v\": value is not valid UTF-8 (unpaired surrogate at index 0)"));
  }

  @ParameterizedTest
  @MethodSource("labelValues")
  void labelValuesAreAnyUtf8(String value, Optional<String> problem) {
    assertEquals(problem, TargetChecks.labelValueProblem("v", value));
  }

  record Holder(LabelNameScheme scheme) {}

  @Test
  void theSchemeIsWrittenLegacyOrUtf8InJson() {
    assertEquals(
        "{\"scheme\":\"utf8\"}",
        new String(Json.encode(new Holder(LabelNameScheme.UTF8)), StandardCharsets.UTF_8));
    assertEquals(
        LabelNameScheme.LEGACY,
        Json.decode("k", "{\"scheme\":\"legacy\"}".getBytes(StandardCharsets.UTF_8), Holder.class)
            .scheme());
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                Json.decode(
                    "k", "{\"scheme\":\"UTF-8\"}".getBytes(StandardCharsets.UTF_8), Holder.class));
    assertEquals(
        "k: label name scheme: expected \"legacy\" or \"utf8\", found \"UTF-8\" at scheme",
        e.getMessage());
  }

  private static Arguments ok(String value) {
    return Arguments.of(value, Optional.empty());
  }

  private static Arguments bad(String value, String problem) {
    return Arguments.of(value, Optional.of(problem));
  }
}

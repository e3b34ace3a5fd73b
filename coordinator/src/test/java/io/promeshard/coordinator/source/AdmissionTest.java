package io.promeshard.coordinator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.Limits;
import io.promeshard.protocol.TargetChecks;
import io.promeshard.protocol.TargetGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each target is admitted or rejected on its own, with a named error. */
class AdmissionTest {
  private static Admission.Admitted check(TargetGroup... groups) {
    return Admission.check("web", "web/0 (static)", List.of(groups));
  }

  @Test
  void aLabelValueOverTheLimitRejectsOnlyItsTarget() {
    String huge = "v".repeat(300_000);
    Admission.Admitted a =
        check(
            new TargetGroup(List.of("a:1", "b:1"), Map.of("team", "web")),
            TargetGroup.of("c:1", Map.of("blob", huge)));
    assertEquals(List.of("a:1", "b:1"), a.groups().stream().map(g -> g.targets().get(0)).toList());
    assertEquals(1, a.rejected().size());
    Admission.Rejected r = a.rejected().get(0);
    assertEquals("c:1", r.address());
    assertEquals("labels.blob", r.field());
    assertEquals(
        "value of 300000 bytes, over the limit of " + Limits.LABEL_VALUE_BYTES, r.reason());
    assertEquals(
        "web web/0 (static) \"c:1\": labels.blob: value of 300000 bytes, over the limit of 16384",
        r.line());
  }

  @Test
  void aValueAtTheLimitPassesButATargetOverItsByteLimitDoesNot() {
    String atLimit = "v".repeat(Limits.LABEL_VALUE_BYTES);
    assertEquals(1, check(TargetGroup.of("a:1", Map.of("x", atLimit))).groups().size());
    Map<String, String> many = new java.util.TreeMap<>();
    for (int i = 0; i < 5; i++) {
      many.put("l" + i, atLimit);
    }
    Admission.Rejected r = check(TargetGroup.of("a:1", many)).rejected().get(0);
    assertEquals("target", r.field());
    assertEquals("encodes to 81990 bytes, over the limit of " + Limits.TARGET_BYTES, r.reason());
  }

  @Test
  void badLabelNamesAndAddressesAreNamed() {
    Admission.Admitted a =
        check(
            TargetGroup.of("ok:1", Map.of()),
            TargetGroup.of("a:1", Map.of("bad-name", "x")),
            TargetGroup.of("host name:1", Map.of()),
            TargetGroup.of("a\nb:1", Map.of()),
            TargetGroup.of("no-port", Map.of()),
            TargetGroup.of("b:1", Map.of("__address__", "c:1")));
    assertEquals(1, a.groups().size());
    assertEquals(
        List.of(
            "web web/0 (static) \"a:1\": labels: label name \"bad-name\": must match"
                + " [a-zA-Z_][a-zA-Z0-9_]* (or set label_names: utf8 for Prometheus 3)",
            "web web/0 (static) \"host name:1\": address: whitespace U+0020 at index 4",
            "web web/0 (static) \"a\\u000ab:1\": address: whitespace U+000A at index 1",
            "web web/0 (static) \"no-port\": address: missing port: expected host:port, e.g."
                + " no-port:9100",
            "web web/0 (static) \"b:1\": labels: "
                + TargetChecks.labelNameProblem("__address__", LabelNameScheme.LEGACY)
                    .orElseThrow()),
        a.rejected().stream().map(Admission.Rejected::line).toList());
  }

  @Test
  void utf8LabelNamesPassWhenTheFleetSaysSoAndUrlsPassAsProbeTargets() {
    TargetGroup dotted = TargetGroup.of("a:1", Map.of("service.name", "api", "café", "x"));
    assertEquals(1, check(dotted).rejected().size(), "legacy names by default");
    Admission.Admitted utf8 =
        Admission.check("web", "web/0 (static)", List.of(dotted), LabelNameScheme.UTF8);
    assertEquals(List.of(dotted), utf8.groups());
    Admission.Admitted probe = check(TargetGroup.of("https://example.org/health?x=1", Map.of()));
    assertEquals(1, probe.groups().size(), "a blackbox-style job lists URLs");
    assertEquals(1, check(TargetGroup.of("[::1]:9100", Map.of())).groups().size());
  }
}

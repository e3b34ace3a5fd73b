package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.RecordRule;
import io.promeshard.testkit.Binaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch checking with the real promtool; a fake one only for a failure promtool does not produce by
 * itself.
 */
class PromtoolCheckTest {
  private static final RecordNaming NAMING = RecordNaming.defaults();
  @TempDir Path tmp;

  private static List<RecordRule> rules(String... exprs) {
    return List.of(exprs).stream().map(NAMING::rule).toList();
  }

  @Test
  void oneRunMapsEachRefusedExpressionToItsRecord() throws IOException {
    List<RecordRule> rules =
        rules(
            "sum(rate(x[5m])) by (job)",
            "sum(rate(x[5m]) by (job)",
            "up",
            "foo{",
            "rate(x)",
            "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))");
    PromtoolCheck check = new PromtoolCheck(Binaries.promtool());
    Map<String, String> invalid = check.invalid(rules);
    assertEquals(1, check.runs());
    assertEquals(
        Set.of(rules.get(1).record(), rules.get(3).record(), rules.get(4).record()),
        invalid.keySet());
    assertTrue(
        invalid.get(rules.get(1).record()).contains("could not parse expression"),
        invalid.toString());
    assertTrue(
        invalid.get(rules.get(4).record()).contains("expected type range vector"),
        invalid.toString());
  }

  @Test
  void largeBatchIsCheckedInOneRun() throws IOException {
    List<RecordRule> rules = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      rules.add(
          NAMING.rule(
              i % 200 == 199
                  ? "sum(rate(m" + i + "[5m]) by (job)"
                  : "sum(rate(m" + i + "[5m])) by (job)"));
    }
    PromtoolCheck check = new PromtoolCheck(Binaries.promtool());
    Map<String, String> invalid = check.invalid(rules);
    assertEquals(1, check.runs());
    assertEquals(
        Set.of(rules.get(199).record(), rules.get(399).record(), rules.get(599).record()),
        invalid.keySet());
  }

  @Test
  void allValidGivesNothingAndEmptyInputRunsNothing() throws IOException {
    PromtoolCheck check = new PromtoolCheck(Binaries.promtool());
    assertEquals(Map.of(), check.invalid(rules("up", "sum(up)", "\"a string\"")));
    assertEquals(Map.of(), check.invalid(List.of()));
    assertEquals(1, check.runs());
  }

  @Test
  void failureWithoutPerRuleErrorsIsBisectedDownToTheCulprit() throws IOException {
    // A promtool that dies on the whole file (as on a YAML-level error) whenever it holds the
    // marker.
    Path fake = tmp.resolve("promtool");
    Files.writeString(
        fake,
        "#!/bin/sh\nif grep -q BOOM \"$3\"; then echo \"$3: yaml: line 1: did not find expected key\" >&2; "
            + "exit 1; fi\necho SUCCESS\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    List<RecordRule> rules = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      rules.add(NAMING.rule(i == 21 ? "BOOM" : "up" + i));
    }
    PromtoolCheck check = new PromtoolCheck(fake);
    Map<String, String> invalid = check.invalid(rules);
    assertEquals(Set.of(rules.get(21).record()), invalid.keySet());
    assertTrue(
        invalid.get(rules.get(21).record()).contains("did not find expected key"),
        invalid.toString());
    assertEquals(
        1 + 2 * 5, check.runs(), "one batch, then two halves per level down to a single rule");
  }

  @Test
  void explicitPromtoolMustBeExecutable() throws IOException {
    Path notExec = Files.writeString(tmp.resolve("promtool"), "", StandardCharsets.UTF_8);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PromtoolCheck.locate(notExec));
    assertTrue(e.getMessage().startsWith("--promtool: not an executable file"), e.getMessage());
    assertEquals(Binaries.promtool(), PromtoolCheck.locate(Binaries.promtool()).orElseThrow());
  }
}

package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Limits;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Naming and reading of query logs and expression files, on fixtures in src/test/resources/records.
 */
class RecordInputTest {
  @TempDir Path tmp;

  static Path fixture(String name) {
    try {
      return Paths.get(RecordInputTest.class.getResource("/records/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void recordNameIsPrefixAndMd5OfTheExactExpression() {
    RecordNaming naming = RecordNaming.defaults();
    // md5 values computed with python hashlib over the UTF-8 bytes
    assertEquals(
        "hke:heavy_expr:8ecb9855f58d8f09d59fd744f5ea5e80",
        naming.name("sum(rate(prometheus_http_requests_total[1m])) by (handler)"));
    assertEquals("hke:heavy_expr:d13d3aa3cffcc28ded2f6a8ec8adb93b", naming.name("up\n + 1"));
    assertEquals(
        "team:heavy_expr:89d137ad5bda28484dacf34a628040ba",
        new RecordNaming("team").name("avg(node_load5)"));
    assertNotEquals(
        naming.name("sum(up) by (job)"),
        naming.name("sum(up)  by (job)"),
        "whitespace is not normalised");
  }

  @Test
  void prefixThatCannotStartAMetricNameIsRefusedNamingTheFlag() {
    for (String bad : new String[] {"", "1abc", "a-b", "a b", "hke/x"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new RecordNaming(bad));
      assertTrue(e.getMessage().startsWith("--prefix-name:"), e.getMessage());
    }
  }

  @Test
  void queryLogKeepsHeavyQueriesAndAccountsForEveryOtherLine() throws IOException {
    ParsedInput in =
        QueryLogReader.read(fixture("query.log"), Duration.ofSeconds(1), RecordNaming.defaults());
    assertEquals(16, in.lines());
    assertEquals(5, in.malformed(), in.malformedSamples().toString());
    assertEquals(
        List.of(4L, 8L, 9L, 11L, 16L),
        in.malformedSamples().stream()
            .map(s -> Long.parseLong(s.replaceAll("^line (\\d+):.*", "$1")))
            .toList());
    assertEquals(1, in.ruleEvaluations());
    assertEquals(2, in.belowThreshold(), "0.0002s and 0.999999s");
    assertEquals(1, in.skipped(), "the blank line");
    assertEquals(1, in.duplicates());
    assertEquals(
        List.of(
            "sum(rate(prometheus_http_requests_total[1m])) by (handler)",
            "up\n + 1",
            "sum(rate(x[5m]) by (job)",
            "histogram_quantile(0.99, sum(rate(prometheus_http_request_duration_seconds_bucket[5m])) by (le, handler))",
            "sum(rate(prometheus_http_requests_total[1m]))  by (handler)"),
        in.candidates().stream().map(Candidate::expr).toList());
    assertEquals(
        List.of(1L, 5L, 7L, 14L, 15L), in.candidates().stream().map(Candidate::line).toList());
    assertEquals(1, in.invalid().size());
    assertEquals(13, in.invalid().get(0).line());
    assertEquals("empty expression", in.invalid().get(0).reason());
  }

  @Test
  void thresholdIsInclusiveAndZeroKeepsEverything() throws IOException {
    ParsedInput strict =
        QueryLogReader.read(fixture("query.log"), Duration.ofMillis(2500), RecordNaming.defaults());
    assertEquals(
        List.of(
            "sum(rate(prometheus_http_requests_total[1m])) by (handler)",
            "sum(rate(x[5m]) by (job)"),
        strict.candidates().stream().map(Candidate::expr).toList());
    ParsedInput all =
        QueryLogReader.read(fixture("query.log"), Duration.ZERO, RecordNaming.defaults());
    assertEquals(0, all.belowThreshold());
    assertEquals(7, all.candidates().size());
  }

  @Test
  void exprFileSkipsBlanksAndCommentsStripsSurroundingWhitespaceAndCountsBadUtf8()
      throws IOException {
    ParsedInput in = ExprListReader.read(fixture("exprs.txt"), RecordNaming.defaults());
    assertEquals(10, in.lines());
    assertEquals(3, in.skipped());
    assertEquals(1, in.malformed());
    assertTrue(
        in.malformedSamples().get(0).startsWith("line 9: not valid UTF-8"),
        in.malformedSamples().toString());
    assertEquals(1, in.duplicates());
    assertEquals(
        List.of(
            "sum(rate(node_cpu_seconds_total{mode!=\"idle\"}[5m])) by (instance)",
            "sum(rate(node_network_receive_bytes_total[5m])) by (instance)",
            "sum(rate(node_disk_read_bytes_total[5m]) by (instance)",
            "max_over_time(node_load1[1h])",
            "avg(node_load5)"),
        in.candidates().stream().map(Candidate::expr).toList());
    assertEquals(
        "hke:heavy_expr:fa69ad4880b1c79a5f7c5cc1db5049ae", in.candidates().get(1).record());
    assertEquals(
        "hke:heavy_expr:89d137ad5bda28484dacf34a628040ba", in.candidates().get(4).record());
  }

  @Test
  void oversizedExpressionIsInvalidAndOverlongLineIsMalformed() throws IOException {
    // the limit is on the expression's UTF-8 bytes, the same one records/<index> values obey
    String big = "label_replace(up, \"a\", \"" + "é".repeat(40_000) + "\", \"b\", \"(.*)\")";
    String atLimit = "sum(" + "x".repeat(Limits.RECORD_EXPR_BYTES - 5) + ")";
    Path file = tmp.resolve("big.txt");
    Files.writeString(
        file,
        big + "\n" + "y".repeat(InputLines.MAX_LINE_BYTES + 10) + "\nup\n" + atLimit + "\n",
        StandardCharsets.UTF_8);
    ParsedInput in = ExprListReader.read(file, RecordNaming.defaults());
    assertEquals(4, in.lines());
    assertEquals(1, in.invalid().size());
    assertEquals(
        "expression of 80039 bytes, over the limit of 65536", in.invalid().get(0).reason());
    assertEquals(1, in.malformed());
    assertEquals(List.of("up", atLimit), in.candidates().stream().map(Candidate::expr).toList());
  }

  @Test
  void lastLineWithoutNewlineIsRead() throws IOException {
    Path file = tmp.resolve("e.txt");
    Files.writeString(file, "up\nsum(up)", StandardCharsets.UTF_8);
    ParsedInput in = ExprListReader.read(file, RecordNaming.defaults());
    assertEquals(2, in.lines());
    assertEquals(List.of("up", "sum(up)"), in.candidates().stream().map(Candidate::expr).toList());
  }

  @Test
  void missingOrDirectoryInputIsAnInputFileError() {
    InputFileException missing =
        assertThrows(
            InputFileException.class,
            () -> ExprListReader.read(tmp.resolve("nope.txt"), RecordNaming.defaults()));
    assertTrue(missing.getMessage().contains("nope.txt: no such file"), missing.getMessage());
    InputFileException dir =
        assertThrows(
            InputFileException.class,
            () -> QueryLogReader.read(tmp, Duration.ofSeconds(1), RecordNaming.defaults()));
    assertTrue(dir.getMessage().contains("is a directory"), dir.getMessage());
  }
}

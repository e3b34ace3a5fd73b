package io.promeshard.agent.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The active targets of the agent's files joined to {@code scrape_samples_post_metric_relabeling}
 * by label set: each target that can be told apart gets its samples; the rest are counted.
 */
class SampleRepliesTest {
  private static final OwnFiles SD = new OwnFiles(Path.of("/tmp/obs/sd"), ".json");

  @Test
  void eachTargetGetsTheSamplesOfTheSeriesWithItsLabels() throws IOException {
    String targets =
        targetsReply(
            target("web", "h:1", "up", "{\"instance\":\"h:1\",\"job\":\"web\"}"),
            target("web", "h:2", "up", "{\"job\":\"web\",\"instance\":\"h:2\",\"zone\":\"a\"}"),
            // relabeled to the same label set: its series could be either's
            target("web", "h:3", "up", "{\"instance\":\"same\",\"job\":\"web\"}"),
            target("web", "h:4", "up", "{\"instance\":\"same\",\"job\":\"web\"}"),
            target("web", "h:5", "down", "{\"instance\":\"h:5\",\"job\":\"web\"}"),
            target("web", "h:6", "unknown", "{\"instance\":\"h:6\",\"job\":\"web\"}"),
            target("web", "h:7", "up", "{\"instance\":\"h:7\",\"job\":\"web\"}"),
            // not one of the agent's files
            "{\"discoveredLabels\":{\"__address__\":\"h:8\",\"__meta_filepath\":\"/etc/x.json\"},"
                + "\"labels\":{\"instance\":\"h:8\",\"job\":\"web\"},\"health\":\"up\"}");
    String query =
        queryReply(
            series("{\"__name__\":\"m\",\"instance\":\"h:1\",\"job\":\"web\"}", "2000"),
            series(
                "{\"zone\":\"a\",\"__name__\":\"m\",\"instance\":\"h:2\",\"job\":\"web\"}", "13"),
            series("{\"__name__\":\"m\",\"instance\":\"same\",\"job\":\"web\"}", "77"),
            series("{\"__name__\":\"m\",\"instance\":\"h:5\",\"job\":\"web\"}", "0"),
            series("{\"__name__\":\"m\",\"instance\":\"h:8\",\"job\":\"web\"}", "5"),
            series("{\"__name__\":\"m\",\"instance\":\"other\",\"job\":\"x\"}", "5"));
    TargetSamples measured = join(targets, query);
    assertEquals(Map.of("web/h:1", 2000L, "web/h:2", 13L), measured.samples());
    assertEquals(5, measured.unmeasured(), "h:3 and h:4 shared, h:5 down, h:6 unknown, h:7 none");
  }

  @Test
  void aTargetSharingItsLabelsWithOneNotUpIsLeftOutToo() throws IOException {
    String targets =
        targetsReply(
            target("web", "h:1", "up", "{\"instance\":\"same\",\"job\":\"web\"}"),
            target("web", "h:2", "down", "{\"instance\":\"same\",\"job\":\"web\"}"));
    String query = queryReply(series("{\"instance\":\"same\",\"job\":\"web\"}", "50"));
    assertEquals(
        new TargetSamples(Map.of(), 2),
        join(targets, query),
        "the down one writes 0 into the same series at each of its scrapes");
  }

  @Test
  void aTargetTwoScrapeConfigsReadCostsTheSumOfBothScrapes() throws IOException {
    String targets =
        targetsReply(
            target("web", "h:1", "up", "{\"instance\":\"h:1\",\"job\":\"a\"}"),
            target("web", "h:1", "up", "{\"instance\":\"h:1\",\"job\":\"b\"}"));
    String both =
        queryReply(
            series("{\"instance\":\"h:1\",\"job\":\"a\"}", "10"),
            series("{\"instance\":\"h:1\",\"job\":\"b\"}", "30"));
    assertEquals(Map.of("web/h:1", 40L), join(targets, both).samples());
    String one = queryReply(series("{\"instance\":\"h:1\",\"job\":\"a\"}", "10"));
    assertEquals(
        new TargetSamples(Map.of(), 1), join(targets, one), "half a target is not measured");
  }

  @ParameterizedTest(name = "prometheus {0}")
  @ValueSource(strings = {"2.42", "2.53", "3.5"})
  void realRepliesAreReadAndTargetsNotUpAreLeftOut(String version) throws IOException {
    SampleJoin join = new SampleJoin();
    try (InputStream in = fixture("targets-" + version + ".json")) {
      SampleReplies.targets(in, SD, join);
    }
    SampleReplies.series(
        json(queryReply(series("{\"a\":\"b\",\"instance\":\"127.0.0.1:1\",\"job\":\"web\"}", "9"))),
        join);
    // web.json's 127.0.0.1:1 and other.json's :3 and :5 are down; slow/ is not ours
    assertEquals(new TargetSamples(Map.of(), 3), join.result());
  }

  @Test
  void aReplyThatIsNotASuccessIsAnError() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                SampleReplies.series(
                    json("{\"status\":\"error\",\"error\":\"bad query\"}"), new SampleJoin()));
    assertTrue(e.getMessage().contains("bad query"), e.getMessage());
    assertThrows(
        IOException.class,
        () -> SampleReplies.targets(json("{\"data\":{}}"), SD, new SampleJoin()));
  }

  @Test
  void labelSetsAreEqualWhateverTheOrderAndCannotBeForgedBySeparators() {
    assertEquals(
        SampleJoin.labelSet(Map.of("a", "1", "b", "2")),
        SampleJoin.labelSet(new java.util.TreeMap<>(Map.of("b", "2", "a", "1"))));
    assertTrue(
        !SampleJoin.labelSet(Map.of("a", "1b1:2"))
            .equals(SampleJoin.labelSet(Map.of("a", "1", "b", "2"))));
  }

  private static TargetSamples join(String targets, String query) throws IOException {
    SampleJoin join = new SampleJoin();
    SampleReplies.targets(json(targets), SD, join);
    SampleReplies.series(json(query), join);
    return join.result();
  }

  private static String target(String job, String address, String health, String labels) {
    return "{\"discoveredLabels\":{\"__address__\":\""
        + address
        + "\",\"__meta_filepath\":\"/tmp/obs/sd/"
        + job
        + ".json\",\"job\":\"x\"},\"labels\":"
        + labels
        + ",\"scrapePool\":\"x\",\"lastScrape\":\"2026-12-01T11:00:00Z\",\"health\":\""
        + health
        + "\"}";
  }

  private static String targetsReply(String... targets) {
    return "{\"status\":\"success\",\"data\":{\"activeTargets\":["
        + String.join(",", targets)
        + "],\"droppedTargets\":[]}}";
  }

  private static String series(String metric, String value) {
    return "{\"metric\":" + metric + ",\"value\":[1764586800.123,\"" + value + "\"]}";
  }

  private static String queryReply(String... series) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + String.join(",", series)
        + "]}}";
  }

  private static InputStream json(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static InputStream fixture(String name) {
    InputStream in = SampleRepliesTest.class.getResourceAsStream(name);
    if (in == null) {
      throw new AssertionError("missing fixture " + name);
    }
    return in;
  }
}

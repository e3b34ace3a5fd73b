package io.promeshard.coordinator.source.servicetree;

import static io.promeshard.coordinator.source.RecordingListener.addresses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.coordinator.config.ServiceTreeMatcher;
import io.promeshard.coordinator.config.ServiceTreeSourceSpec;
import io.promeshard.coordinator.source.RecordingListener;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service-tree source against a fake service tree that implements the query API over a fixture
 * inventory.
 */
class ServiceTreeSourceTest {
  private static final Map<String, List<Integer>> PORTS =
      Map.of(
          "kafka",
          List.of(9308, 9309),
          "zk",
          List.of(9141),
          "es",
          List.of(9114),
          "clickhouse",
          List.of(9116));
  private static final Map<String, String> ACCOUNTS = Map.of("1234", "aliyun-01");

  private final MockWebServer server = new MockWebServer();
  private final FakeServiceTree tree = new FakeServiceTree("inventory.json");
  private final RecordingListener listener = new RecordingListener();
  private ServiceTreeSource source;

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(tree);
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws IOException {
    if (source != null) {
      source.close();
    }
    server.shutdown();
  }

  private static ServiceTreeMatcher m(String key, int type, String value) {
    return new ServiceTreeMatcher(key, value, type);
  }

  private RecordingListener.Event query(ServiceTreeMatcher... matchers)
      throws InterruptedException {
    return query(null, null, matchers);
  }

  private RecordingListener.Event query(
      Long maxBytes, Integer maxTargets, ServiceTreeMatcher... matchers)
      throws InterruptedException {
    ServiceTreeSourceSpec spec =
        new ServiceTreeSourceSpec(
            server.url("/").toString(),
            "ecs",
            List.of(matchers),
            PORTS,
            9100,
            ACCOUNTS,
            Duration.ofMinutes(10),
            maxBytes,
            maxTargets,
            null);
    source = new ServiceTreeSource("infra/0 (service_tree)", spec, new OkHttpClient());
    source.start(listener);
    return listener.next();
  }

  /** Group labels by the address they were reported for. */
  private static Map<String, Map<String, String>> byAddress(List<TargetGroup> groups) {
    return groups.stream()
        .collect(
            Collectors.toMap(
                g -> g.targets().get(0), TargetGroup::labels, (a, b) -> a, LinkedHashMap::new));
  }

  @Test
  void eqMatchersSelectAndPortsComeFromTheAppPortMapOrTheDefault() throws Exception {
    RecordingListener.Event e =
        query(m("group", ServiceTreeMatcher.EQ, "inf"), m("env", ServiceTreeMatcher.EQ, "prod"));
    assertEquals(
        List.of(
            "10.1.0.1:9308",
            "10.1.0.1:9309",
            "10.1.0.2:9308",
            "10.1.0.2:9309",
            "10.1.0.3:9141",
            "172.20.70.205:9100",
            "10.1.0.9:9100"),
        addresses(e.groups()));
    assertEquals(0, e.skipped());
  }

  @Test
  void regexMatcherSelectsLikeTheOriginalQuery() throws Exception {
    RecordingListener.Event e =
        query(
            m("group", ServiceTreeMatcher.EQ, "inf"),
            m("stree-app", ServiceTreeMatcher.REGEX, "kafka|zk|es"),
            m("env", ServiceTreeMatcher.EQ, "prod"));
    assertEquals(
        List.of(
            "10.1.0.1:9308", "10.1.0.1:9309", "10.1.0.2:9308", "10.1.0.2:9309", "10.1.0.3:9141"),
        addresses(e.groups()));
  }

  @Test
  void notEqMatcherExcludes() throws Exception {
    RecordingListener.Event e =
        query(
            m("group", ServiceTreeMatcher.EQ, "inf"), m("env", ServiceTreeMatcher.NOT_EQ, "prod"));
    assertEquals(List.of("10.1.0.4:9114"), addresses(e.groups()));
  }

  @Test
  void notRegexMatcherExcludes() throws Exception {
    RecordingListener.Event e =
        query(
            m("group", ServiceTreeMatcher.EQ, "inf"),
            m("stree-app", ServiceTreeMatcher.NOT_REGEX, "kafka|zk"));
    assertEquals(
        List.of("10.1.0.4:9114", "172.20.70.205:9100", "10.1.0.9:9100"), addresses(e.groups()));
  }

  @Test
  void requestIsThePostedQueryOfTheOriginalSystem() throws Exception {
    query(
        m("group", ServiceTreeMatcher.EQ, "inf"),
        m("stree-app", ServiceTreeMatcher.REGEX, "kafka|zk|es"));
    JsonNode body = tree.bodies.poll(10, TimeUnit.SECONDS);
    assertNotNull(body);
    assertEquals(
        new ObjectMapper()
            .readTree(
                "{\"resource_type\":\"ecs\",\"use_index\":true,\"labels\":["
                    + "{\"key\":\"group\",\"value\":\"inf\",\"type\":1},{\"key\":\"stree-app\",\"value\":\"kafka|zk|es\",\"type\":3}]}"),
        body);
    assertEquals("/query/resource?get_all=1", server.takeRequest().getPath());
  }

  @Test
  void labelsFollowTheOriginalMappingWithStreeGpaAndSubgroupOnlyWhenSet() throws Exception {
    RecordingListener.Event e = query(m("stree-app", ServiceTreeMatcher.EQ, "kafka"));
    Map<String, Map<String, String>> labels = byAddress(e.groups());
    assertEquals(
        Map.of(
            "name",
            "kafka-01",
            "account",
            "aliyun-01",
            "region",
            "ap-south-1",
            "env",
            "prod",
            "group",
            "inf",
            "project",
            "middleware",
            "stree_gpa",
            "inf.middleware.kafka"),
        labels.get("10.1.0.1:9308"));
    assertEquals(labels.get("10.1.0.1:9308"), labels.get("10.1.0.1:9309"));
    assertEquals(
        Map.of(
            "name",
            "kafka-02",
            "account",
            "aliyun-01",
            "region",
            "ap-south-1",
            "env",
            "prod",
            "group",
            "inf",
            "project",
            "middleware",
            "subgroup",
            "mq",
            "stree_gpa",
            "inf.middleware.kafka"),
        labels.get("10.1.0.2:9308"));
  }

  @Test
  void numericAccountIdIsMappedAndUnmappedAccountKeepsTheRawId() throws Exception {
    RecordingListener.Event e =
        query(
            m("env", ServiceTreeMatcher.EQ, "prod"),
            m("stree-app", ServiceTreeMatcher.REGEX, "prometheus|api"));
    Map<String, Map<String, String>> labels = byAddress(e.groups());
    assertEquals("aliyun-01", labels.get("172.20.70.205:9100").get("account"));
    assertEquals("inf.monitor.prometheus", labels.get("172.20.70.205:9100").get("stree_gpa"));
    assertEquals("5678", labels.get("10.2.0.1:9100").get("account"));
  }

  @Test
  void instancesWithoutPrivateIpAreSkippedAndCounted() throws Exception {
    RecordingListener.Event e =
        query(
            m("stree-app", ServiceTreeMatcher.REGEX, "api|clickhouse"),
            m("env", ServiceTreeMatcher.EQ, "prod"));
    assertEquals(List.of("10.2.0.1:9100", "10.3.0.2:9116"), addresses(e.groups()));
    assertEquals(2, e.skipped());
  }

  @Test
  void firstPrivateIpIsTheAddress() throws Exception {
    RecordingListener.Event e = query(m("stree-app", ServiceTreeMatcher.EQ, "redis"));
    assertEquals(List.of("10.1.0.9:9100"), addresses(e.groups()));
  }

  @Test
  void emptyResultServerErrorAndMalformedAnswerAreErrors() throws Exception {
    String message = query(m("group", ServiceTreeMatcher.EQ, "nobody")).error().getMessage();
    assertTrue(message.contains("no instance"), message);
    source.close();

    tree.override = new MockResponse().setResponseCode(502).setBody("bad gateway");
    message = query(m("group", ServiceTreeMatcher.EQ, "inf")).error().getMessage();
    assertTrue(message.contains("HTTP 502") && message.contains("/query/resource"), message);
    source.close();

    tree.override = new MockResponse().setBody("{\"code\":0,\"data\":[]}");
    message = query(m("group", ServiceTreeMatcher.EQ, "inf")).error().getMessage();
    assertTrue(message.contains("expected {\"result\":[...]}"), message);
  }

  @Test
  void answerPastItsLimitsIsAnErrorNamingTheLimit() throws Exception {
    // seven targets from five instances: two kafka brokers scraped on two ports each
    ServiceTreeMatcher prodInf = m("group", ServiceTreeMatcher.EQ, "inf");
    String message =
        query(null, 6, prodInf, m("env", ServiceTreeMatcher.EQ, "prod")).error().getMessage();
    assertTrue(message.contains("over max_targets 6 (7 targets"), message);
    source.close();

    message = query(null, 4, prodInf, m("env", ServiceTreeMatcher.EQ, "prod")).error().getMessage();
    assertTrue(message.endsWith("over max_targets 4 instances"), message);
    source.close();

    message = query(512L, null, prodInf).error().getMessage();
    assertTrue(
        message.contains("/query/resource") && message.contains("response over max_bytes 512"),
        message);
  }

  @Test
  void queryUrlKeepsAPathPrefix() {
    assertEquals(
        "http://cmdb.local/api/v2/query/resource?get_all=1",
        ServiceTreeSource.queryUrl("http://cmdb.local/api/v2").toString());
    assertEquals(
        "http://cmdb.local/api/query/resource?get_all=1",
        ServiceTreeSource.queryUrl("http://cmdb.local/api/").toString());
    assertEquals(
        "http://cmdb.local/query/resource?get_all=1",
        ServiceTreeSource.queryUrl("http://cmdb.local").toString());
  }
}

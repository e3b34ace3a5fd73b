package io.promeshard.coordinator.source.consul;

import static io.promeshard.coordinator.source.RecordingListener.addresses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.ConsulSourceSpec;
import io.promeshard.coordinator.source.RecordingListener;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consul source against a real Consul agent: services registered with TTL checks we flip. */
class ConsulCatalogSourceTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  private static final MediaType JSON = MediaType.get("application/json");
  private final OkHttpClient http = new OkHttpClient();
  private final RecordingListener listener = new RecordingListener();
  private ConsulHttp consulHttp;
  private ConsulCatalogSource source;
  private String service;

  @BeforeEach
  void setUp(TestInfo info) {
    consulHttp = ConsulHttp.create(ConsulSettings.of(consul.url()));
    service =
        "exporter-"
            + info.getTestMethod()
                .orElseThrow()
                .getName()
                .toLowerCase(Locale.ROOT)
                .substring(0, 12);
  }

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    consulHttp.close();
  }

  private void start(List<String> tags, String datacenter) {
    source =
        new ConsulCatalogSource(
            "web/0 (consul)",
            new ConsulSourceSpec(service, tags, datacenter),
            consulHttp,
            WatchOptions.defaults().withWait(Duration.ofSeconds(20)));
    source.start(listener);
  }

  private void put(String path, String body) throws IOException {
    Request request =
        new Request.Builder()
            .url(consul.url() + path)
            .put(RequestBody.create(body == null ? "" : body, JSON))
            .build();
    try (Response r = http.newCall(request).execute()) {
      assertEquals(200, r.code(), "PUT " + path + ": " + r.body().string());
    }
  }

  /**
   * Registers an instance with a TTL check in the given state; a null address means the node
   * address.
   */
  private void register(
      String id,
      String address,
      int port,
      List<String> tags,
      Map<String, String> meta,
      boolean passing)
      throws IOException {
    String tagJson = tags.isEmpty() ? "[]" : "[\"" + String.join("\",\"", tags) + "\"]";
    StringBuilder metaJson = new StringBuilder("{");
    meta.forEach(
        (k, v) ->
            metaJson
                .append(metaJson.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
    metaJson.append('}');
    put(
        "/v1/agent/service/register",
        "{\"ID\":\""
            + id
            + "\",\"Name\":\""
            + service
            + "\",\"Tags\":"
            + tagJson
            + (address == null ? "" : ",\"Address\":\"" + address + "\"")
            + ",\"Port\":"
            + port
            + ",\"Meta\":"
            + metaJson
            + ",\"Check\":{\"CheckID\":\"check-"
            + id
            + "\",\"TTL\":\"10m\",\"Status\":\""
            + (passing ? "passing" : "critical")
            + "\"}}");
  }

  private void check(String id, boolean passing) throws IOException {
    put("/v1/agent/check/" + (passing ? "pass" : "fail") + "/check-" + id, null);
  }

  @Test
  void passingInstancesBecomeTargetsWithConsulMetaLabels() throws Exception {
    register(
        service + "-a",
        "10.0.0.1",
        9100,
        List.of("prod"),
        Map.of("rack", "r1", "os-name", "linux"),
        true);
    register(service + "-b", null, 9101, List.of("prod", "linux"), Map.of(), true);
    register(service + "-c", "10.0.0.3", 9100, List.of("prod"), Map.of(), false);
    start(List.of(), null);

    RecordingListener.Event e = listener.nextTargets();
    assertEquals(List.of("10.0.0.1:9100", "127.0.0.1:9101"), addresses(e.groups()));
    Map<String, String> a = e.groups().get(0).labels();
    assertEquals(service, a.get("__meta_consul_service"));
    assertEquals(service + "-a", a.get("__meta_consul_service_id"));
    assertEquals("10.0.0.1", a.get("__meta_consul_service_address"));
    assertEquals("9100", a.get("__meta_consul_service_port"));
    assertEquals(",prod,", a.get("__meta_consul_tags"));
    assertEquals("dc1", a.get("__meta_consul_dc"));
    assertEquals("r1", a.get("__meta_consul_service_metadata_rack"));
    assertEquals("linux", a.get("__meta_consul_service_metadata_os_name"));
    assertEquals("127.0.0.1", a.get("__meta_consul_address"));
    assertTrue(a.containsKey("__meta_consul_node"), a.toString());
    Map<String, String> b = e.groups().get(1).labels();
    assertEquals(",prod,linux,", b.get("__meta_consul_tags"));
    assertTrue(!b.containsKey("__meta_consul_service_address"), b.toString());
  }

  @Test
  void tagFilterKeepsInstancesHavingEveryTag() throws Exception {
    register(service + "-a", "10.0.0.1", 9100, List.of("prod"), Map.of(), true);
    register(service + "-b", "10.0.0.2", 9100, List.of("prod", "linux"), Map.of(), true);
    register(service + "-c", "10.0.0.3", 9100, List.of("linux"), Map.of(), true);
    start(List.of("prod", "linux"), "dc1");

    assertEquals(List.of("10.0.0.2:9100"), addresses(listener.nextTargets().groups()));
  }

  @Test
  void checkFlipsRegistrationsAndDeregistrationsAreObserved() throws Exception {
    register(service + "-a", "10.0.0.1", 9100, List.of(), Map.of(), true);
    register(service + "-b", "10.0.0.2", 9100, List.of(), Map.of(), true);
    start(List.of(), null);
    listener.awaitAddresses(List.of("10.0.0.1:9100", "10.0.0.2:9100"));

    check(service + "-a", false);
    listener.awaitAddresses(List.of("10.0.0.2:9100"));
    check(service + "-a", true);
    listener.awaitAddresses(List.of("10.0.0.1:9100", "10.0.0.2:9100"));

    register(service + "-c", "10.0.0.3", 9100, List.of(), Map.of(), true);
    listener.awaitAddresses(List.of("10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100"));
    put("/v1/agent/service/deregister/" + service + "-b", null);
    listener.awaitAddresses(List.of("10.0.0.1:9100", "10.0.0.3:9100"));
  }

  @Test
  void unknownDatacenterIsReportedAsAnError() throws Exception {
    register(service + "-a", "10.0.0.1", 9100, List.of(), Map.of(), true);
    start(List.of(), "nowhere");
    Exception error = listener.nextError();
    assertTrue(
        error.getMessage().contains("health/service/" + service)
            && error.getMessage().contains("HTTP 500"),
        error.getMessage());
  }
}

package io.promeshard.coordinator.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.WatchOptions;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compromised host spoofing membership, against a real Consul 1.8 with ACLs on (default deny):
 * its token holds only the packaged agent policy (packaging/acl/agent.hcl) for its own node. Consul
 * lets it register any service ID under the node service (service rules go by name), so the
 * coordinator's node binding and weight cap are what reject the spoof; registering a node of
 * another name in the catalog is refused by Consul itself.
 */
class SpoofedNodeAclTest {
  private static final String ROOT = "root-token";
  private static final String SERVICE = "prome-shard-node";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension
  static final ConsulExtension CONSUL =
      new ConsulExtension(
          "acl { enabled = true, default_policy = \"deny\", tokens { master = \""
              + ROOT
              + "\", agent = \""
              + ROOT
              + "\" } }",
          ROOT);

  private static String host; // the Consul node: the one honest prome-shard node name
  private static String hostToken; // packaged agent policy for that node

  @TempDir Path tmp;
  private final BlockingQueue<Map<String, Member>> events = new LinkedBlockingQueue<>();
  private final List<String> registered = new java.util.ArrayList<>();
  private ConsulHttp coordinatorHttp;
  private MembershipWatcher watcher;

  @BeforeAll
  static void createHostToken() throws Exception {
    host = CONSUL.server().nodeName();
    String rules =
        Files.readString(Path.of("..", "packaging", "acl", "agent.hcl"), StandardCharsets.UTF_8)
            .replace("NODE_NAME", host);
    call("PUT", "/v1/acl/policy", ROOT, json(Map.of("Name", "agent-" + host, "Rules", rules)));
    hostToken =
        JSON.readTree(
                call(
                        "PUT",
                        "/v1/acl/token",
                        ROOT,
                        json(Map.of("Policies", List.of(Map.of("Name", "agent-" + host)))))
                    .body())
            .path("SecretID")
            .asText();
  }

  @AfterEach
  void stop() throws Exception {
    for (String id : registered) {
      call("PUT", "/v1/agent/service/deregister/" + id, ROOT, null);
    }
    if (watcher != null) {
      watcher.close();
    }
    if (coordinatorHttp != null) {
      coordinatorHttp.close();
    }
  }

  private static HttpResponse<String> call(String method, String path, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(CONSUL.url() + path))
            .header(ConsulHttp.TOKEN_HEADER, token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String json(Object value) throws IOException {
    return JSON.writeValueAsString(value);
  }

  private int register(String id, String weight) throws Exception {
    registered.add(id);
    return call(
            "PUT",
            "/v1/agent/service/register",
            hostToken,
            json(Map.of("ID", id, "Name", SERVICE, "Port", 9090, "Meta", Map.of("weight", weight))))
        .statusCode();
  }

  private MembershipWatcher watch(MemberPolicy policy) throws IOException {
    Await.until(
        WAIT,
        registered + " in the catalog",
        () -> {
          try {
            return JSON.readTree(call("GET", "/v1/catalog/service/" + SERVICE, ROOT, null).body())
                    .size()
                == registered.size();
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
    Path token = tmp.resolve("coordinator.token");
    Files.writeString(token, ROOT, StandardCharsets.UTF_8);
    coordinatorHttp = ConsulHttp.create(ConsulSettings.of(CONSUL.url(), token, null));
    watcher =
        new MembershipWatcher(
                coordinatorHttp,
                SERVICE,
                Duration.ZERO,
                policy,
                events::add,
                Clock.systemUTC(),
                WatchOptions.defaults().withWait(Duration.ofSeconds(5)))
            .start();
    return watcher;
  }

  @Test
  void aHostTokenCanRegisterFakeNodesButTheBoundCoordinatorIgnoresThemAndCapsTheWeight()
      throws Exception {
    assertEquals(200, register(host, "1000"), "its own node name, claiming weight 1000");
    assertEquals(200, register("fake-1", "1000"), "Consul 1.8 cannot refuse another service ID");
    assertEquals(200, register("fake-2", "1"));
    HttpResponse<String> catalog =
        call(
            "PUT",
            "/v1/catalog/register",
            hostToken,
            json(
                Map.of(
                    "Node",
                    "prom-9",
                    "Address",
                    "127.0.0.1",
                    "Service",
                    Map.of("ID", "prom-9", "Service", SERVICE, "Port", 9090))));
    assertEquals(
        403,
        catalog.statusCode(),
        "a node of another name needs node:write on it: " + catalog.body());
    System.out.println("[acl] catalog register of node prom-9 with the host token: " + catalog);

    MembershipWatcher bound = watch(new MemberPolicy(true, 10));
    Map<String, Member> members =
        Await.value(
            WAIT, "the first membership", () -> events.poll() == null ? null : bound.members());
    assertEquals(Map.of(host, new Member(host, 10, "")), members, "fakes ignored, weight capped");
    HealthSnapshot raw = bound.status().raw();
    assertEquals(2, raw.ignored());
    assertTrue(
        raw.problems()
            .contains(
                "node fake-1 is registered on Consul node "
                    + host
                    + " (address 127.0.0.1, service 127.0.0.1:9090), not on a Consul node named"
                    + " fake-1; ignored (node_binding consul_node)"),
        raw.problems().toString());
    assertTrue(
        raw.problems()
            .contains("node " + host + ": Meta weight 1000 is above max_weight 10.0; using 10.0"),
        raw.problems().toString());
    raw.problems().forEach(p -> System.out.println("[acl] coordinator: " + p));
  }

  @Test
  void withoutBindingTheFakesJoinButNoneClaimsMoreThanTheCap() throws Exception {
    assertEquals(200, register("fake-3", "1000"));
    MembershipWatcher unbound = watch(MemberPolicy.DEFAULT);
    Map<String, Member> members =
        Await.value(
            WAIT,
            "fake-3 in the membership",
            () -> unbound.members().containsKey("fake-3") ? unbound.members() : null);
    assertEquals(MemberPolicy.DEFAULT_MAX_WEIGHT, members.get("fake-3").weight());
    // what the agent's check for another host with its name reads (agent and node read)
    JsonNode self = JSON.readTree(call("GET", "/v1/agent/self", hostToken, null).body());
    assertEquals(host, self.path("Config").path("NodeName").asText(), "agent read on its own node");
    JsonNode health =
        JSON.readTree(call("GET", "/v1/health/service/" + SERVICE, hostToken, null).body());
    assertEquals(1, health.size(), "node read: registrations are not filtered out");
    assertEquals(host, health.get(0).path("Node").path("Node").asText());
  }
}

package io.promeshard.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example ACL policies in packaging/acl/ loaded into a real Consul 1.8 with ACLs on and default
 * deny, exercised with plain HTTP calls under tokens that hold only those policies.
 */
class ConsulAclPolicyTest {
  private static final String ROOT = "root-token";

  // the agent token lets the Consul agent sync its own node, as on any ACL-enabled Consul agent
  @RegisterExtension
  static final ConsulExtension CONSUL =
      new ConsulExtension(
          "acl { enabled = true, default_policy = \"deny\", tokens { master = \""
              + ROOT
              + "\", agent = \""
              + ROOT
              + "\" } }",
          ROOT);

  private static final String KV = "/v1/kv/prome-shard/";
  private static ConsulHttp http;
  private static String agentToken; // policy acl/agent.hcl for node prom-1
  private static String coordinatorToken; // policy acl/coordinator.hcl

  @BeforeAll
  static void createTokens() {
    http = new ConsulHttp(CONSUL.url());
    Path acl = BuiltPackages.aclDir();
    agentToken =
        http.tokenWithPolicy(
            ROOT,
            "prome-shard-agent-prom-1",
            Installed.read(acl.resolve("agent.hcl")).replace("NODE_NAME", "prom-1"));
    coordinatorToken =
        http.tokenWithPolicy(
            ROOT, "prome-shard-coordinator", Installed.read(acl.resolve("coordinator.hcl")));
  }

  @BeforeEach
  void seedKv() {
    CONSUL.clearKv();
    for (String key :
        List.of(
            "nodes/prom-1/manifest",
            "nodes/prom-1/targets/web",
            "nodes/prom-2/manifest",
            "nodes/prom-10/manifest",
            "config/settings")) {
      http.ok("PUT", KV + key, ROOT, "{}");
    }
  }

  @Test
  void agentTokenReadsItsOwnNodePrefixAndNoOtherKey() {
    ConsulHttp.Reply own = http.ok("GET", KV + "nodes/prom-1/?recurse=true", agentToken, null);
    assertEquals(
        List.of("prome-shard/nodes/prom-1/manifest", "prome-shard/nodes/prom-1/targets/web"),
        keys(own.json()));
    // the agent's long-poll: a blocking query on its prefix is allowed too
    http.ok("GET", KV + "nodes/prom-1/?recurse=true&index=1&wait=100ms", agentToken, null);

    // Consul 1.8 filters recursive reads by ACL (404: nothing visible) and denies single keys (403)
    assertEquals(
        404, http.send("GET", KV + "nodes/prom-2/?recurse=true", agentToken, null).status());
    assertEquals(403, http.send("GET", KV + "nodes/prom-2/manifest", agentToken, null).status());
    assertEquals(
        403,
        http.send("GET", KV + "nodes/prom-10/manifest", agentToken, null).status(),
        "prefix ends at the slash");
    assertEquals(
        404, http.send("GET", KV + "nodes/prom-10/?recurse=true", agentToken, null).status());
    assertEquals(403, http.send("GET", KV + "config/settings", agentToken, null).status());
    ConsulHttp.Reply all = http.ok("GET", KV + "nodes/?recurse=true", agentToken, null);
    assertEquals(
        List.of("prome-shard/nodes/prom-1/manifest", "prome-shard/nodes/prom-1/targets/web"),
        keys(all.json()));
  }

  @Test
  void agentTokenWritesOnlyItsOwnStatus() {
    assertEquals(
        "true",
        http.ok("PUT", KV + "status/prom-1", agentToken, "{\"generation\":1}").body().strip());
    assertEquals(403, http.send("PUT", KV + "status/prom-2", agentToken, "{}").status());
    assertEquals(403, http.send("PUT", KV + "status/coordinator", agentToken, "{}").status());
    assertEquals(
        403,
        http.send("PUT", KV + "nodes/prom-1/manifest", agentToken, "{}").status(),
        "its share is read-only");
    assertEquals(
        403, http.send("DELETE", KV + "nodes/prom-1/?recurse=true", agentToken, null).status());
  }

  @Test
  void agentTokenWritesOnlyItsOwnReports() {
    for (String report : List.of("queries", "samples")) {
      assertEquals(
          "true",
          http.ok("PUT", KV + "reports/prom-1/" + report, agentToken, "{}").body().strip(),
          report);
      assertEquals(
          403, http.send("PUT", KV + "reports/prom-2/" + report, agentToken, "{}").status());
      assertEquals(
          403, http.send("PUT", KV + "reports/prom-10/" + report, agentToken, "{}").status());
    }
    assertEquals(403, http.send("PUT", KV + "reports/prom-1/other", agentToken, "{}").status());
  }

  @Test
  void agentTokenRegistersDrainsAndDeregistersOnlyItsService() {
    String registration =
        ConsulHttp.json(
            Map.of(
                "ID",
                "prom-1",
                "Name",
                "prome-shard-node",
                "Meta",
                Map.of("weight", "2", "zone", "a"),
                "Check",
                Map.of("HTTP", "http://127.0.0.1:1/-/ready", "Interval", "10s")));
    http.ok("PUT", "/v1/agent/service/register", agentToken, registration);
    Await.until(
        Duration.ofSeconds(10),
        "prom-1 synced into the catalog with the agent's token",
        () ->
            serviceIds(http.ok("GET", "/v1/catalog/service/prome-shard-node", ROOT, null).json())
                .contains("prom-1"));

    http.ok(
        "PUT", "/v1/agent/service/maintenance/prom-1?enable=true&reason=drain", agentToken, null);
    assertTrue(
        http.ok("GET", "/v1/agent/checks", ROOT, null).json().has("_service_maintenance:prom-1"),
        "maintenance on");
    http.ok("PUT", "/v1/agent/service/maintenance/prom-1?enable=false", agentToken, null);

    String other = ConsulHttp.json(Map.of("ID", "x", "Name", "node-exporter"));
    assertEquals(403, http.send("PUT", "/v1/agent/service/register", agentToken, other).status());

    http.ok("PUT", "/v1/agent/service/deregister/prom-1", agentToken, null);
    assertTrue(
        !http.ok("GET", "/v1/agent/services", ROOT, null).json().has("prom-1"), "deregistered");
  }

  @Test
  void agentTokenSeesWhichConsulNodeHoldsANodeNameButCannotPutAnotherNodeInTheCatalog() {
    http.ok(
        "PUT",
        "/v1/agent/service/register",
        ROOT,
        ConsulHttp.json(Map.of("ID", "prom-2", "Name", "prome-shard-node")));
    // health results are filtered by node read: an entry seen means the claim check can work
    Await.until(
        Duration.ofSeconds(10),
        "prom-2 and its Consul node visible to the agent token's health query",
        () -> {
          var entries =
              http.ok("GET", "/v1/health/service/prome-shard-node", agentToken, null).json();
          return entries.size() == 1
              && !entries.get(0).path("Node").path("Node").asText().isEmpty();
        });
    String otherNode =
        ConsulHttp.json(
            Map.of(
                "Node",
                "prom-9",
                "Address",
                "127.0.0.1",
                "Service",
                Map.of("ID", "prom-9", "Service", "prome-shard-node")));
    assertEquals(403, http.send("PUT", "/v1/catalog/register", agentToken, otherNode).status());
    http.ok("PUT", "/v1/agent/service/deregister/prom-2", ROOT, null);
  }

  @Test
  void coordinatorTokenHoldsTheLeaderLockAndWritesFencedUnderThePrefixOnly() {
    String session =
        http.ok(
                "PUT",
                "/v1/session/create",
                coordinatorToken,
                ConsulHttp.json(Map.of("Name", "prome-shard-coordinator", "TTL", "15s")))
            .json()
            .path("ID")
            .asText();
    assertEquals(
        "true",
        http.ok("PUT", KV + "leader?acquire=" + session, coordinatorToken, "me").body().strip());

    String txn =
        ConsulHttp.json(
            List.of(
                Map.of(
                    "KV",
                    Map.of(
                        "Verb", "check-session", "Key", "prome-shard/leader", "Session", session)),
                Map.of(
                    "KV",
                    Map.of(
                        "Verb",
                        "set",
                        "Key",
                        "prome-shard/nodes/prom-1/manifest",
                        "Value",
                        "e30="))));
    http.ok("PUT", "/v1/txn", coordinatorToken, txn);
    http.ok("PUT", KV + "status/coordinator", coordinatorToken, "{}");
    assertEquals(403, http.send("PUT", "/v1/kv/other/key", coordinatorToken, "x").status());

    http.ok(
        "PUT",
        "/v1/agent/service/register",
        ROOT,
        ConsulHttp.json(Map.of("ID", "prom-1", "Name", "prome-shard-node")));
    Await.until(
        Duration.ofSeconds(10),
        "prome-shard-node visible to the coordinator's health query",
        () ->
            http.ok("GET", "/v1/health/service/prome-shard-node", coordinatorToken, null)
                    .json()
                    .size()
                == 1);
    assertTrue(
        http.ok("GET", "/v1/catalog/services", coordinatorToken, null).json().has("consul"),
        "catalog source reads services");
    http.ok("PUT", "/v1/session/destroy/" + session, coordinatorToken, null);
    http.ok("PUT", "/v1/agent/service/deregister/prom-1", ROOT, null);
  }

  private static List<String> serviceIds(JsonNode catalog) {
    List<String> ids = new ArrayList<>();
    catalog.forEach(e -> ids.add(e.path("ServiceID").asText()));
    return ids;
  }

  private static List<String> keys(JsonNode entries) {
    List<String> keys = new ArrayList<>();
    entries.forEach(e -> keys.add(e.path("Key").asText()));
    return new ArrayList<>(new TreeSet<>(keys));
  }
}

package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ecwid.consul.v1.agent.model.NewService;
import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.testkit.ConsulExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Service registration in the local agent and the health reads of it, against a real Consul agent.
 */
class HealthClientTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static final String SERVICE = "health-client-test";

  private ConsulHttp http;
  private AgentServices agent;
  private HealthClient health;

  @BeforeEach
  void setUp() {
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    agent = new AgentServices(http);
    health = new HealthClient(http);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (String id : agent.services().keySet()) {
      agent.deregister(id);
    }
    http.close();
  }

  private static NewService service(String id, String checkStatus, String... tags) {
    NewService s = new NewService();
    s.setId(id);
    s.setName(SERVICE);
    s.setPort(9090);
    s.setTags(List.of(tags));
    s.setMeta(Map.of("zone", "a"));
    NewService.Check check = new NewService.Check();
    check.setTtl("10m");
    check.setStatus(checkStatus);
    s.setCheck(check);
    return s;
  }

  private List<String> ids(HealthClient.Query query) throws Exception {
    JsonNode reply = health.service(query, 0, Duration.ofSeconds(5), new CallHandle()).value();
    List<String> ids = new ArrayList<>();
    reply.forEach(e -> ids.add(e.path("Service").path("ID").asText()));
    ids.sort(null);
    return ids;
  }

  @Test
  void registeredServicesAreListedAndReadWithTheirHealth() throws Exception {
    agent.register(service("n1", "passing", "blue"));
    agent.register(service("n2", "critical", "blue"));
    agent.register(service("n3", "passing", "green"));
    assertTrue(agent.services().keySet().containsAll(List.of("n1", "n2", "n3")));
    assertEquals("a", agent.services().get("n1").getMeta().get("zone"));

    assertEquals(List.of("n1", "n2", "n3"), ids(HealthClient.Query.all(SERVICE)));
    assertEquals(List.of("n1", "n3"), ids(new HealthClient.Query(SERVICE, true, List.of(), null)));
    assertEquals(List.of("n1"), ids(new HealthClient.Query(SERVICE, true, List.of("blue"), null)));
  }

  @Test
  void maintenanceShowsAsACriticalCheckAndDeregistrationRemovesTheService() throws Exception {
    agent.register(service("n1", "passing"));
    agent.maintenance("n1", true, "draining for a test");
    JsonNode entry =
        health
            .service(HealthClient.Query.all(SERVICE), 0, Duration.ofSeconds(5), new CallHandle())
            .value()
            .get(0);
    boolean maintenance = false;
    for (JsonNode check : entry.path("Checks")) {
      maintenance |=
          check.path("CheckID").asText().equals("_service_maintenance:n1")
              && check.path("Status").asText().equals("critical");
    }
    assertTrue(maintenance, entry.toString());
    assertEquals(List.of(), ids(new HealthClient.Query(SERVICE, true, List.of(), null)));

    agent.maintenance("n1", false, null);
    assertEquals(List.of("n1"), ids(new HealthClient.Query(SERVICE, true, List.of(), null)));
    agent.deregister("n1");
    assertFalse(agent.services().containsKey("n1"));
    assertEquals(List.of(), ids(HealthClient.Query.all(SERVICE)));
  }

  @Test
  void aBlockingReadReturnsWhenTheHealthChanges() throws Exception {
    agent.register(service("n1", "passing"));
    ConsulResponse<JsonNode> first =
        health.service(HealthClient.Query.all(SERVICE), 0, Duration.ofSeconds(5), new CallHandle());
    Thread changer =
        new Thread(
            () -> {
              try {
                agent.register(service("n2", "passing"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    changer.start();
    ConsulResponse<JsonNode> next =
        health.service(
            HealthClient.Query.all(SERVICE),
            first.index(),
            Duration.ofSeconds(30),
            new CallHandle());
    changer.join();
    assertTrue(next.index() > first.index());
  }
}

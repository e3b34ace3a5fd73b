package io.promeshard.agent.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promeshard.agent.run.AgentFixture;
import io.promeshard.agent.status.AgentMetrics;
import io.promeshard.protocol.consul.AgentServices;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.FailingProxy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServiceRegistrationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();

  /**
   * SIGTERM can come while the first registration is still ending an earlier drain's maintenance.
   * The drain must land after that, or the stopped node stays in service.
   */
  @Test
  void aDrainDuringTheFirstRegistrationLeavesTheServiceInMaintenance() throws Exception {
    String id = "race1";
    try (FailingProxy proxy = FailingProxy.start(consul.url());
        ConsulHttp http = ConsulHttp.create(ConsulSettings.of(proxy.url()))) {
      ServiceRegistration registration =
          new ServiceRegistration(
              new AgentServices(http),
              new ServiceSpec(
                  "prometheus",
                  id,
                  "",
                  9090,
                  Map.of(),
                  "http://127.0.0.1:9/-/ready",
                  ServiceSpec.CHECK_INTERVAL,
                  ServiceSpec.CHECK_TIMEOUT,
                  ServiceSpec.DEREGISTER_AFTER),
              Duration.ofMinutes(1),
              new AgentMetrics(new PrometheusRegistry()));
      FailingProxy.Gate endOfMaintenance =
          proxy.hold(new FailingProxy.Match("PUT", "/v1/agent/service/maintenance/" + id, ""), 1);
      AtomicBoolean registered = new AtomicBoolean();
      Thread first = new Thread(() -> registered.set(registration.ensure()), "first-ensure");
      first.start();
      assertTrue(endOfMaintenance.awaitHeld(WAIT), "the first registration ends maintenance");

      Thread stop = new Thread(registration::drain, "drain");
      stop.start();
      // the drain either waits for the registration in flight, or (the bug) has already gone by
      Await.until(
          WAIT,
          "drain waiting or done",
          () -> stop.getState() == Thread.State.BLOCKED || !stop.isAlive());
      endOfMaintenance.open();
      first.join(WAIT.toMillis());
      stop.join(WAIT.toMillis());

      assertTrue(registered.get(), "the first registration completed");
      JsonNode check = json("/v1/agent/checks").get("_service_maintenance:" + id);
      assertTrue(check != null, "no maintenance after the drain: " + json("/v1/agent/checks"));
      assertEquals("critical", check.path("Status").asText());
      assertFalse(registration.ensure(), "nothing registers after the drain");
    }
  }

  private static JsonNode json(String path) throws Exception {
    return new ObjectMapper().readTree(AgentFixture.get(consul.url() + path).body());
  }
}

package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import org.junit.jupiter.api.Test;

class HealthEntriesTest {
  @Test
  void namesTheConsulNodeItsAddressAndWhereTheServiceListens() throws Exception {
    JsonNode entry =
        Json.MAPPER.readTree(
            "{\"Node\":{\"Node\":\"host-b\",\"Address\":\"10.0.0.2\"},"
                + "\"Service\":{\"ID\":\"prom-1\",\"Address\":\"10.0.1.2\",\"Port\":9090}}");
    assertEquals(
        "host-b (address 10.0.0.2, Prometheus 10.0.1.2:9090)",
        HealthEntries.where(entry, "Prometheus"));
  }

  @Test
  void aServiceWithoutAddressListensOnTheNodeAddressAndMissingFieldsAreQuestionMarks()
      throws Exception {
    JsonNode entry =
        Json.MAPPER.readTree(
            "{\"Node\":{\"Node\":\"host-b\",\"Address\":\"10.0.0.2\"},"
                + "\"Service\":{\"ID\":\"prom-1\",\"Address\":\"\"}}");
    assertEquals(
        "host-b (address 10.0.0.2, service 10.0.0.2:?)", HealthEntries.where(entry, "service"));
    assertEquals(
        "? (address ?, service ?:?)", HealthEntries.where(Json.MAPPER.readTree("{}"), "service"));
  }
}

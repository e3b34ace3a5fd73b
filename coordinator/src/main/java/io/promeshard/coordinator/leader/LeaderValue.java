package io.promeshard.coordinator.leader;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.ProtocolException;
import java.io.IOException;

/**
 * The value of the {@code leader} key: who holds (or last held) the lock, the term's epoch and
 * since when (ISO-8601). Reading is lenient about extra fields; a value without a non-negative
 * integer {@code epoch} throws ProtocolException naming the key.
 */
public record LeaderValue(
    @JsonProperty("holder") String holder,
    @JsonProperty("epoch") long epoch,
    @JsonProperty("since") String since) {

  public LeaderValue {
    holder = holder == null ? "" : holder;
    since = since == null ? "" : since;
    if (epoch < 0) {
      throw new ProtocolException("leader: epoch must be >= 0, found " + epoch);
    }
  }

  public byte[] encode() {
    return Json.encode(this);
  }

  /** Parses the value stored at {@code key}. */
  public static LeaderValue parse(String key, byte[] bytes) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new ProtocolException(key + ": not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ProtocolException(key + ": expected a JSON object with holder, epoch and since");
    }
    JsonNode epoch = root.get("epoch");
    if (epoch == null
        || !epoch.isIntegralNumber()
        || !epoch.canConvertToLong()
        || epoch.asLong() < 0) {
      throw new ProtocolException(key + ": field epoch: expected an integer >= 0, found " + epoch);
    }
    return new LeaderValue(
        root.path("holder").asText(""), epoch.asLong(), root.path("since").asText(""));
  }
}

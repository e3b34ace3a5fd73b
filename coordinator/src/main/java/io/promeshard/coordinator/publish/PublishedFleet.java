package io.promeshard.coordinator.publish;

import io.promeshard.coordinator.config.ConfigState;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.NodeStatus;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fleet as Consul holds it, read by any process (a standby coordinator, the CLI): what is
 * published per node, decoded; the configuration in force; what each agent reports; and the active
 * coordinator's status ({@code null} before one wrote it). Values that cannot be read are named in
 * {@code warnings} and left out.
 */
public record PublishedFleet(
    Publisher.Stored stored,
    Map<String, NodeShare> shares,
    ConfigState config,
    Map<String, NodeStatus> agents,
    CoordinatorStatus coordinator,
    List<String> warnings) {

  /** Reads it all with three reads of Consul (shares, config, status). */
  public static PublishedFleet read(KvClient kv, TxnWriter txn, KvLayout layout)
      throws IOException {
    Publisher.Stored stored = new Publisher(kv, txn, layout).readStored();
    Map<String, NodeShare> shares = StoredShares.decode(stored).shares();
    Map<String, byte[]> values = new HashMap<>();
    kv.list(layout.configDir(), 0, Duration.ZERO)
        .value()
        .forEach(e -> values.put(e.key(), e.value()));
    ConfigState config = ConfigState.empty(layout).update(values);
    Map<String, NodeStatus> agents = new TreeMap<>();
    CoordinatorStatus coordinator = null;
    List<String> warnings = new ArrayList<>();
    for (KvEntry e : kv.list(layout.statusDir(), 0, Duration.ZERO).value()) {
      try {
        if (e.key().equals(layout.coordinatorStatus())) {
          coordinator = Json.decodeWire(e.key(), e.value(), CoordinatorStatus.class);
        } else {
          NodeStatus s = Json.decodeWire(e.key(), e.value(), NodeStatus.class);
          agents.put(s.node(), s);
        }
      } catch (ProtocolException ex) {
        warnings.add(ex.getMessage());
      }
    }
    return new PublishedFleet(stored, shares, config, agents, coordinator, List.copyOf(warnings));
  }
}

package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.publish.PublishPlan;
import io.promeshard.coordinator.publish.StoredShares;
import io.promeshard.coordinator.shard.Assignment;
import io.promeshard.protocol.consul.TxnResult;
import java.util.Map;

/**
 * One dispatch's outcome, for --once, --dry-run, explain and tests: what it decided from, the
 * shares it computed, the shares published before it (as last read from Consul), what it wrote and
 * the handovers it leaves in progress.
 */
public record DispatchReport(
    DispatchInput input,
    Map<String, Assignment> previous,
    DispatchOutput output,
    StoredShares before,
    PublishPlan plan,
    TxnResult written,
    double seconds,
    Handovers handovers) {}

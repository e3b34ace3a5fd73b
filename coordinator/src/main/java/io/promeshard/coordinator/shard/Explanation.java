package io.promeshard.coordinator.shard;

import java.util.List;
import java.util.Locale;

/**
 * Why a key is owned by the nodes that own it, as produced by {@link Sharder#explain}: its owners,
 * its previous owners, whether replicas had to sit in distinct zones, and every node in the key's
 * preference order with what happened there. Lists are copied; nulls are rejected with a
 * NullPointerException.
 */
public record Explanation(
    String key,
    double cost,
    int replicas,
    boolean distinctZones,
    List<String> owners,
    List<String> previousOwners,
    List<Candidate> candidates) {

  public Explanation {
    owners = List.copyOf(owners);
    previousOwners = List.copyOf(previousOwners);
    candidates = List.copyOf(candidates);
  }

  /** What happened between the key and one node. */
  public enum Decision {
    /** A previous owner that keeps the key. */
    KEPT,
    /** A previous owner over its bound after the change; the key had to leave it. */
    EVICTED,
    /** A previous owner given up because a joining node ranks among the key's top R. */
    DISPLACED,
    /** A joining node among the key's top R that took it. */
    CLAIMED,
    /** The first node in preference order that had room. */
    PLACED,
    /** No node had room; this one was the least overloaded. */
    OVERFLOW,
    /** Skipped: at its count bound. */
    FULL_COUNT,
    /** Skipped: the key's cost would put it over its cost bound. */
    FULL_COST,
    /**
     * Skipped in favour of a node with more room: taking the key would leave this node too little
     * cost room for its share of the cheaper items still to be placed.
     */
    RESERVED,
    /** Skipped: its zone already holds a replica of the key. */
    SAME_ZONE,
    /** Skipped: the key's cost would put it over the server's declared maximum (max_series). */
    CAPACITY,
    /** Not reached: the key's owners were settled before this node's turn. */
    NOT_TRIED
  }

  /**
   * One node as seen from the key: rank 0 is the key's favourite, score is its weighted rendezvous
   * score ({@code -ln(u) / capacity}, smaller is better), joined says it was not in the previous
   * assignment.
   */
  public record Candidate(
      String node,
      String zone,
      double capacity,
      int rank,
      double score,
      boolean joined,
      Decision decision) {}

  /** A few human-readable lines, as printed by the {@code explain} command. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(key).append(" (cost ").append(cost).append("): owned by ").append(owners);
    if (!previousOwners.isEmpty()) {
      sb.append(", previously ").append(previousOwners);
    }
    sb.append('\n')
        .append("replicas ")
        .append(replicas)
        .append(distinctZones ? ", in distinct zones" : ", zones not constrained")
        .append('\n');
    for (Candidate c : candidates) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  #%d %s zone=%s capacity=%s score=%.6f%s %s%n",
              c.rank(),
              c.node(),
              c.zone().isEmpty() ? "-" : c.zone(),
              c.capacity(),
              c.score(),
              c.joined() ? " joined" : "",
              c.decision()));
    }
    return sb.toString();
  }
}

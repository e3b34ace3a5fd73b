package io.promeshard.bench.sharding;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing as in github.com/dgryski/go-rendezvous (used by
 * go-redis' ring): xxhash64 of the key and of each node, score {@code xorshiftMult64(keyHash ^
 * nodeHash)}, the highest score wins (first node on ties). No load bound. Stateless.
 */
public final class Rendezvous implements Algorithm {
  @Override
  public String name() {
    return "rendezvous (HRW, xxhash)";
  }

  @Override
  public Placement place(Workload workload, List<String> nodes, Placement previous) {
    long[] nodeHash = new long[nodes.size()];
    for (int n = 0; n < nodeHash.length; n++) {
      nodeHash[n] = XxHash64.hash(nodes.get(n).getBytes(StandardCharsets.UTF_8));
    }
    int[] owners = new int[workload.size()];
    for (int k = 0; k < owners.length; k++) {
      long kh = XxHash64.hash(workload.address(k).getBytes(StandardCharsets.UTF_8));
      int best = 0;
      long bestScore = xorshiftMult64(kh ^ nodeHash[0]);
      for (int n = 1; n < nodeHash.length; n++) {
        long score = xorshiftMult64(kh ^ nodeHash[n]);
        if (Long.compareUnsigned(score, bestScore) > 0) {
          best = n;
          bestScore = score;
        }
      }
      owners[k] = best;
    }
    return Placement.of(nodes, owners);
  }

  static long xorshiftMult64(long x) {
    x ^= x >>> 12;
    x ^= x << 25;
    x ^= x >>> 27;
    return x * 2685821657736338717L;
  }
}

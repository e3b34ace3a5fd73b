package io.promeshard.bench.sharding;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The hash ring of the original push-based prome-shard (seeds/003: {@code ring.Get(t.Targets[0])}):
 * MurmurHash3 32-bit, 500 virtual nodes per node keyed {@code strconv.Itoa(i) + nodeIP}, a key goes
 * to the first virtual node at or after its hash, wrapping around. Two virtual nodes with the same
 * hash keep the one inserted last (Go map semantics). Stateless.
 */
public final class OriginalRing implements Algorithm {
  static final int VIRTUAL_NODES = 500;

  @Override
  public String name() {
    return "original ring (murmur3, 500 vnodes)";
  }

  @Override
  public Placement place(Workload workload, List<String> nodes, Placement previous) {
    int points = nodes.size() * VIRTUAL_NODES;
    long[] packed =
        new long
            [points]; // unsigned hash << 32 | insertion order, sign bit flipped to sort unsigned
    for (int n = 0; n < nodes.size(); n++) {
      for (int i = 0; i < VIRTUAL_NODES; i++) {
        long h = Murmur3.hash32((i + nodes.get(n)).getBytes(StandardCharsets.UTF_8)) & 0xffffffffL;
        packed[n * VIRTUAL_NODES + i] = (h << 32 | (n * VIRTUAL_NODES + i)) ^ Long.MIN_VALUE;
      }
    }
    Arrays.sort(packed);
    long[] ringHash = new long[points];
    int[] ringNode = new int[points];
    int size = 0;
    for (int p = 0; p < points; p++) {
      long entry = packed[p] ^ Long.MIN_VALUE;
      long h = entry >>> 32;
      int node = (int) (entry & 0xffffffffL) / VIRTUAL_NODES;
      if (size > 0 && ringHash[size - 1] == h) {
        ringNode[size - 1] = node; // same hash: the later insertion wins
      } else {
        ringHash[size] = h;
        ringNode[size++] = node;
      }
    }
    int[] owners = new int[workload.size()];
    for (int k = 0; k < owners.length; k++) {
      long h = Murmur3.hash32(workload.address(k).getBytes(StandardCharsets.UTF_8)) & 0xffffffffL;
      int idx = Arrays.binarySearch(ringHash, 0, size, h);
      if (idx < 0) {
        idx = -idx - 1;
      }
      owners[k] = ringNode[idx == size ? 0 : idx];
    }
    return Placement.of(nodes, owners);
  }
}

package io.promeshard.bench.sharding;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Partitioned consistent hashing with bounded loads as in github.com/buraksezer/consistent, with
 * the OpenTelemetry target allocator's parameters (1061 partitions, replication factor 5, load 1.1,
 * xxhash64, key = target URL). Members are hashed onto the ring as {@code fmt.Sprintf("%s%d",
 * member, i)}; partition p (hashed as its little-endian uint64) goes to the first member at or
 * after its ring position whose load + 1 stays within {@code ceil(float64(partitions / members) *
 * load)}, walking on around the ring; a key goes to the owner of partition {@code xxhash(key) %
 * 1061}. The library recomputes every partition on each add or remove, so this is stateless too.
 * Throws IllegalStateException where the library panics ("not enough room to distribute
 * partitions").
 */
public final class BoundedLoadPartitions implements Algorithm {
  static final int PARTITIONS = 1061;
  static final int REPLICATION_FACTOR = 5;
  static final double LOAD = 1.1;

  @Override
  public String name() {
    return "bounded-load partitions (OTel: 1061 p, 5 vn, 1.1)";
  }

  @Override
  public Placement place(Workload workload, List<String> nodes, Placement previous) {
    int[] partitionOwner = distribute(nodes);
    int[] owners = new int[workload.size()];
    for (int k = 0; k < owners.length; k++) {
      long h = XxHash64.hash(workload.address(k).getBytes(StandardCharsets.UTF_8));
      owners[k] = partitionOwner[(int) Long.remainderUnsigned(h, PARTITIONS)];
    }
    return Placement.of(nodes, owners);
  }

  /** The owner (node index) of each partition. */
  static int[] distribute(List<String> nodes) {
    Map<Long, Integer> ring = new HashMap<>();
    long[] sorted = new long[nodes.size() * REPLICATION_FACTOR];
    int s = 0;
    for (int n = 0; n < nodes.size(); n++) {
      for (int i = 0; i < REPLICATION_FACTOR; i++) {
        long h = XxHash64.hash((nodes.get(n) + i).getBytes(StandardCharsets.UTF_8));
        ring.put(h, n);
        sorted[s++] = h ^ Long.MIN_VALUE; // sorts as unsigned
      }
    }
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] ^= Long.MIN_VALUE;
    }
    int perNode = PARTITIONS / nodes.size();
    double avgLoad = Math.ceil(perNode * LOAD);
    int[] loads = new int[nodes.size()];
    int[] owner = new int[PARTITIONS];
    byte[] bs = new byte[8];
    for (int p = 0; p < PARTITIONS; p++) {
      for (int b = 0; b < 8; b++) {
        bs[b] = (byte) ((long) p >>> (8 * b));
      }
      long key = XxHash64.hash(bs);
      int idx = search(sorted, key);
      owner[p] = withLoad(sorted, ring, loads, avgLoad, idx);
    }
    return owner;
  }

  /** The first index whose hash is >= key (unsigned), or 0 past the end: sort.Search then wrap. */
  private static int search(long[] sorted, long key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(sorted[mid], key) >= 0) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo >= sorted.length ? 0 : lo;
  }

  private static int withLoad(
      long[] sorted, Map<Long, Integer> ring, int[] loads, double avgLoad, int idx) {
    int count = 0;
    while (true) {
      count++;
      if (count >= sorted.length) {
        throw new IllegalStateException(
            "not enough room to distribute partitions ("
                + loads.length
                + " members, load bound "
                + avgLoad
                + ")");
      }
      int member = ring.get(sorted[idx]);
      if (loads[member] + 1 <= avgLoad) {
        loads[member]++;
        return member;
      }
      idx++;
      if (idx >= sorted.length) {
        idx = 0;
      }
    }
  }
}

package io.promeshard.bench.sharding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Prometheus' {@code hashmod} relabel action over {@code __address__} with modulus N: md5 of the
 * value, its last 8 bytes read as a big-endian uint64 ({@code binary.BigEndian.Uint64(hash[8:])},
 * "to give the same result as earlier versions"), modulo N; server i keeps the targets whose result
 * is i. Stateless.
 */
public final class HashMod implements Algorithm {
  @Override
  public String name() {
    return "Prometheus hashmod (md5 mod N)";
  }

  @Override
  public Placement place(Workload workload, List<String> nodes, Placement previous) {
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java runtime", e);
    }
    long modulus = nodes.size();
    int[] owners = new int[workload.size()];
    for (int k = 0; k < owners.length; k++) {
      byte[] d = md5.digest(workload.address(k).getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int b = 8; b < 16; b++) {
        v = v << 8 | (d[b] & 0xffL);
      }
      owners[k] = (int) Long.remainderUnsigned(v, modulus);
    }
    return Placement.of(nodes, owners);
  }
}

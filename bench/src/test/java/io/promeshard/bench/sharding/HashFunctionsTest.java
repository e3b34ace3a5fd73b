package io.promeshard.bench.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The baselines' hash functions against published test vectors. */
class HashFunctionsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void murmur3x86x32MatchesTheReferenceVectors() {
    assertEquals(0, Murmur3.hash32(b("")));
    assertEquals(0x248bfa47, Murmur3.hash32(b("hello")));
    assertEquals(0x2e4ff723, Murmur3.hash32(b("The quick brown fox jumps over the lazy dog")));
    assertEquals(0x514e28b7, Murmur3.hash32(b(""), 1));
  }

  @Test
  void xxHash64MatchesTheReferenceVectorsForEveryTailLength() {
    assertEquals(0xef46db3751d8e999L, XxHash64.hash(b("")));
    assertEquals(0xd24ec4f1a98c6e5bL, XxHash64.hash(b("a")));
    assertEquals(0x44bc2cf5ad770999L, XxHash64.hash(b("abc")));
    assertEquals(0xfbcea83c8a378bf1L, XxHash64.hash(b("Nobody inspects the spammish repetition")));
  }

  @Test
  void hashModUsesTheLastEightBytesOfMd5LikePrometheus() {
    Workload w = Workload.pareto(3, 1);
    assertEquals("10.0.0.0:9100", w.address(0));
    int[] mod7 = new HashMod().place(w, Workload.nodes(7), null).owners();
    int[] mod1000 = new HashMod().place(w, Workload.nodes(1000), null).owners();
    // python: int.from_bytes(hashlib.md5(s).digest()[8:], 'big') % n
    assertEquals(1, mod7[0]);
    assertEquals(2, mod7[1]);
    assertEquals(1, mod7[2]);
    assertEquals(716, mod1000[0]);
    assertEquals(645, mod1000[1]);
    assertEquals(841, mod1000[2]);
  }
}

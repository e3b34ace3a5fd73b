package io.promeshard.coordinator.shard;

/**
 * Cheap, stable 64-bit hashing for the sharder: FNV-1a over the UTF-16 chars followed by a strong
 * finalizer. The values are part of the assignment's contract (they decide placement), so they must
 * never depend on the JVM, the platform or {@link String#hashCode()}.
 */
final class Hashing {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** Keeps node hashes and item hashes from living in the same space. */
  private static final long NODE_SALT = 0x6a09e667f3bcc909L;

  private Hashing() {}

  static long item(String key) {
    return mix(fnv(key));
  }

  static long node(String name) {
    return mix(fnv(name) ^ NODE_SALT);
  }

  /** The rendezvous draw of one (item, node) pair: 53 uniformly distributed bits. */
  static long draw(long itemHash, long nodeHash) {
    return mix(itemHash ^ nodeHash) >>> 11;
  }

  /**
   * Weighted rendezvous score of a draw: {@code -ln(u) / capacity}, smaller is better. The minimum
   * over nodes lands on each node with probability capacity / total capacity. StrictMath, so that
   * every JVM on every machine ranks the same way.
   */
  static double score(long draw, double capacity) {
    double u = (draw + 1) * 0x1.0p-53;
    return -StrictMath.log(u) / capacity;
  }

  private static long fnv(String s) {
    long h = FNV_OFFSET ^ s.length();
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= FNV_PRIME;
    }
    return h;
  }

  /** Stafford's variant 13 of the murmur3 64-bit finalizer (as in SplitMix64). */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}

package io.promeshard.agent.watch;

import java.util.Locale;

/**
 * How large a share this agent can apply within its heap, measured as the size of Consul's reply
 * for {@code nodes/<node>/} (the first point where the share's size is known, before anything is
 * decoded). While a change is applied the agent holds the share it applied last, Consul's reply and
 * the values decoded from it, the new share, and the rendered file (a fetch of the next change may
 * overlap the render): about {@value #HEAP_PER_REPLY_BYTE} bytes of heap per byte of reply at
 * worst, on top of {@value #RESERVE_MIB} MiB for the rest of the agent. Measured with {@code
 * scripts/bench sharesize} under {@code -Xmx64m}: 108,000 targets (a 15 MiB reply) still apply,
 * slowly (the heap is then nearly full and collections dominate); the bound refuses shares above an
 * 11.5 MiB reply (about 80,000 such targets) to keep room for shares whose labels are less
 * repetitive, which decode to more objects per byte. A larger share is reported as {@link
 * Snapshot.TooLarge} instead of ending the process with an OutOfMemoryError (the launcher exits on
 * one, and systemd would restart it into the same share, forever).
 */
public record ShareBudget(long maxReplyBytes, long maxHeapBytes) {
  /** Heap needed per byte of Consul's reply while a change is applied, with room to spare. */
  static final int HEAP_PER_REPLY_BYTE = 4;

  static final long RESERVE_MIB = 16;

  /** Never refuse a share below this, whatever the heap: an agent must apply small shares. */
  static final long MIN_REPLY_BYTES = 1024 * 1024;

  private static final long MIB = 1024 * 1024;
  private static final String DEFAULTS_FILE =
      "/etc/default/prome-shard-agent (RPM: /etc/sysconfig/prome-shard-agent)";

  public ShareBudget {
    if (maxReplyBytes <= 0 || maxHeapBytes <= 0) {
      throw new IllegalArgumentException(
          "share budget: limits must be positive, found " + maxReplyBytes + ", " + maxHeapBytes);
    }
  }

  /** The budget of a heap of {@code maxHeapBytes} ({@link Runtime#maxMemory()}). */
  public static ShareBudget forHeap(long maxHeapBytes) {
    long usable = maxHeapBytes - RESERVE_MIB * MIB;
    return new ShareBudget(Math.max(MIN_REPLY_BYTES, usable / HEAP_PER_REPLY_BYTE), maxHeapBytes);
  }

  /**
   * The most JSON bytes a compressed share may expand to: what a plain reply of {@link
   * #maxReplyBytes} carries (values are base64 in the reply, 4 bytes for 3), so a compressed share
   * costs the heap no more than a plain one the budget admits.
   */
  public long maxShareBytes() {
    return maxReplyBytes / 4 * 3;
  }

  /** The budget of this process's heap. */
  public static ShareBudget ofThisProcess() {
    return forHeap(Runtime.getRuntime().maxMemory());
  }

  /** The heap, in whole MiB, that a reply of {@code replyBytes} needs (a multiple of 32 MiB). */
  public static long heapMibFor(long replyBytes) {
    long mib = RESERVE_MIB + (replyBytes * HEAP_PER_REPLY_BYTE + MIB - 1) / MIB;
    return (mib + 31) / 32 * 32;
  }

  /** The error an operator reads when the reply for {@code dir} is {@code replyBytes}. */
  public String tooLarge(String dir, long replyBytes) {
    return String.format(
        Locale.ROOT,
        "share too large for this agent's heap: Consul's reply for %s is %s, over the %s that a"
            + " heap of %s can apply (the files applied last are kept); raise the heap with"
            + " JAVA_OPTS=\"-Xmx%dm\" in %s and restart the agent, or spread the targets over more"
            + " nodes",
        dir,
        mib(replyBytes),
        mib(maxReplyBytes),
        mib(maxHeapBytes),
        heapMibFor(replyBytes),
        DEFAULTS_FILE);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB (%d bytes)", bytes / (double) MIB, bytes);
  }
}

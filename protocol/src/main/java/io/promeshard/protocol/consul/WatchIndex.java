package io.promeshard.protocol.consul;

/**
 * Consul's blocking-query index rules, in one place (see the "Implementation details" of
 * https://developer.hashicorp.com/consul/api-docs/features/blocking): the same index means nothing
 * changed; a lower index resets the loop to 0 (a fresh, non-blocking read); a reply index below 1
 * is taken as 1, so the index sent is never 0 after the first reply. After a failed request the
 * loop also resets ({@link #reset()}): the agent may have restarted or been replaced with a lower
 * index, and a blocking query at an index the new state has not reached would hang until its wait
 * runs out. Not thread-safe: one loop owns it.
 */
public final class WatchIndex {
  /** What a reply's index means for the loop. */
  public enum Outcome {
    /** The first reply since start or since a reset: its value is current state. */
    FIRST,
    /** The index moved forward: the value may have changed. */
    ADVANCED,
    /** Same index as before: nothing changed (the wait ran out). */
    UNCHANGED,
    /** The index went backwards: the value is discarded and the next request starts from 0. */
    RESET
  }

  private long index;
  private boolean hasReply;

  /** The index to send with the next request (0: non-blocking). */
  public long next() {
    return index;
  }

  /** Applies the rules to the {@code X-Consul-Index} of a reply. */
  public Outcome observe(long replyIndex) {
    long reply = Math.max(replyIndex, 1);
    if (!hasReply) {
      index = reply;
      hasReply = true;
      return Outcome.FIRST;
    }
    if (reply == index) {
      return Outcome.UNCHANGED;
    }
    if (reply < index) {
      reset();
      return Outcome.RESET;
    }
    index = reply;
    return Outcome.ADVANCED;
  }

  /**
   * Restarts from 0: the next request is non-blocking and its reply counts as {@link
   * Outcome#FIRST}.
   */
  public void reset() {
    index = 0;
    hasReply = false;
  }

  @Override
  public String toString() {
    return "WatchIndex[" + index + (hasReply ? "" : ", awaiting first reply") + "]";
  }
}

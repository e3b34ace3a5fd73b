package io.promeshard.agent.watch;

import io.promeshard.protocol.consul.KvEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The entries of one read of a node's directory, compared by a sha256 over keys, indexes, sessions
 * and values. The watch loop keeps the last value it delivered to skip unchanged reads; handing the
 * entries over once ({@link #take()}) leaves it holding only the digest, not a second copy of the
 * whole share. Used on the watch thread only.
 */
final class ShareRead {
  private final byte[] digest;
  private final long epoch;
  private List<KvEntry> entries;

  private ShareRead(byte[] digest, long epoch, List<KvEntry> entries) {
    this.digest = digest;
    this.epoch = epoch;
    this.entries = entries;
  }

  /** A read of {@code entries}; reads of different {@code epoch}s never compare equal. */
  static ShareRead of(List<KvEntry> entries, long epoch) {
    MessageDigest md = sha256();
    for (KvEntry e : entries) {
      md.update(e.key().getBytes(StandardCharsets.UTF_8));
      md.update(
          ("\n" + e.createIndex() + "\n" + e.modifyIndex() + "\n" + e.session() + "\n" + e.size())
              .getBytes(StandardCharsets.UTF_8));
      md.update(e.value());
    }
    return new ShareRead(md.digest(), epoch, entries);
  }

  /** The entries, once; IllegalStateException the second time. */
  List<KvEntry> take() {
    List<KvEntry> out = entries;
    if (out == null) {
      throw new IllegalStateException("share read already taken");
    }
    entries = null;
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShareRead r && epoch == r.epoch && Arrays.equals(digest, r.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest) * 31 + Long.hashCode(epoch);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}

package io.promeshard.protocol.consul;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Consul KV entry as read; {@code value} is copied in and out and compared by content, so lists
 * of entries compare equal exactly when keys, bytes, indexes and sessions match. A blank key
 * throws.
 */
@SuppressWarnings(
    "ArrayRecordComponent") // the array is copied in, and equals/hashCode compare it by content
public record KvEntry(
    String key, byte[] value, long createIndex, long modifyIndex, String session) {
  private static final byte[] EMPTY = new byte[0];

  public KvEntry {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("kv entry: key missing");
    }
    value = value == null ? EMPTY : value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  /** The value decoded as UTF-8. */
  public String valueUtf8() {
    return new String(value, StandardCharsets.UTF_8);
  }

  public int size() {
    return value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvEntry e
        && key.equals(e.key)
        && Arrays.equals(value, e.value)
        && createIndex == e.createIndex
        && modifyIndex == e.modifyIndex
        && Objects.equals(session, e.session);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), createIndex, modifyIndex, session);
  }

  @Override
  public String toString() {
    return "KvEntry["
        + key
        + ", "
        + value.length
        + " bytes, modify "
        + modifyIndex
        + (session == null ? "" : ", session " + session)
        + "]";
  }
}

package io.promeshard.protocol.consul;

import java.util.Arrays;
import java.util.Objects;

/**
 * One KV operation of a Consul transaction ({@code /v1/txn}); values are sent base64-encoded. Built
 * with the static factories, which check that each verb has what it needs
 * (IllegalArgumentException).
 */
@SuppressWarnings(
    "ArrayRecordComponent") // the array is copied in, and equals/hashCode compare it by content
public record TxnOp(Verb verb, String key, byte[] value, long index, String session) {
  /** The KV verbs this project uses, with Consul's wire names. */
  public enum Verb {
    SET("set"),
    DELETE("delete"),
    CAS("cas"),
    DELETE_CAS("delete-cas"),
    CHECK_SESSION("check-session"),
    CHECK_INDEX("check-index"),
    CHECK_NOT_EXISTS("check-not-exists"),
    LOCK("lock");

    private final String wire;

    Verb(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public TxnOp {
    Objects.requireNonNull(verb, "verb");
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("txn " + verb.wire() + ": key missing");
    }
    boolean needsValue = verb == Verb.SET || verb == Verb.CAS || verb == Verb.LOCK;
    if (needsValue && value == null) {
      throw new IllegalArgumentException("txn " + verb.wire() + " on " + key + ": value missing");
    }
    value = needsValue ? value.clone() : null;
    boolean needsIndex = verb == Verb.CAS || verb == Verb.DELETE_CAS || verb == Verb.CHECK_INDEX;
    if (needsIndex ? index < 0 : index != 0) {
      throw new IllegalArgumentException(
          "txn " + verb.wire() + " on " + key + ": bad index " + index);
    }
    boolean needsSession = verb == Verb.CHECK_SESSION || verb == Verb.LOCK;
    if (needsSession ? session == null || session.isBlank() : session != null) {
      throw new IllegalArgumentException(
          "txn " + verb.wire() + " on " + key + ": bad session " + session);
    }
  }

  public static TxnOp set(String key, byte[] value) {
    return new TxnOp(Verb.SET, key, value, 0, null);
  }

  public static TxnOp delete(String key) {
    return new TxnOp(Verb.DELETE, key, null, 0, null);
  }

  /** Sets {@code key} only if its ModifyIndex is {@code modifyIndex} (0: only if absent). */
  public static TxnOp cas(String key, byte[] value, long modifyIndex) {
    return new TxnOp(Verb.CAS, key, value, modifyIndex, null);
  }

  public static TxnOp deleteCas(String key, long modifyIndex) {
    return new TxnOp(Verb.DELETE_CAS, key, null, modifyIndex, null);
  }

  /** Fails the transaction unless {@code key} is locked by {@code session}. */
  public static TxnOp checkSession(String key, String session) {
    return new TxnOp(Verb.CHECK_SESSION, key, null, 0, session);
  }

  /** Fails the transaction unless {@code key}'s ModifyIndex is {@code modifyIndex}. */
  public static TxnOp checkIndex(String key, long modifyIndex) {
    return new TxnOp(Verb.CHECK_INDEX, key, null, modifyIndex, null);
  }

  public static TxnOp checkNotExists(String key) {
    return new TxnOp(Verb.CHECK_NOT_EXISTS, key, null, 0, null);
  }

  /**
   * Acquires {@code key} for {@code session} and sets {@code value}; fails while another session
   * holds it.
   */
  public static TxnOp lock(String key, byte[] value, String session) {
    return new TxnOp(Verb.LOCK, key, value, 0, session);
  }

  @Override
  public byte[] value() {
    return value == null ? null : value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TxnOp t
        && verb == t.verb
        && key.equals(t.key)
        && Arrays.equals(value, t.value)
        && index == t.index
        && Objects.equals(session, t.session);
  }

  @Override
  public int hashCode() {
    return Objects.hash(verb, key, Arrays.hashCode(value), index, session);
  }

  @Override
  public String toString() {
    return verb.wire() + " " + key + (value == null ? "" : " (" + value.length + " bytes)");
  }
}

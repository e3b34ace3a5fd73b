package io.promeshard.protocol;

/**
 * Size limits on what the coordinator publishes, checked where input enters (a source's result, a
 * {@code records/<n>} key, {@code records import}) so that one oversized item is rejected on its
 * own with a named error instead of failing a whole dispatch deep in the part encoding. Each limit
 * leaves a single item well inside one KV part ({@link Parts#DEFAULT_MAX_CHUNK_BYTES}).
 */
public final class Limits {
  /** Bytes (UTF-8) of one label value. */
  public static final int LABEL_VALUE_BYTES = 16 * 1024;

  /** Bytes of one target as published: its address and labels, JSON-encoded. */
  public static final int TARGET_BYTES = 64 * 1024;

  /** Bytes (UTF-8) of one recording rule's expression. */
  public static final int RECORD_EXPR_BYTES = 64 * 1024;

  private Limits() {}
}

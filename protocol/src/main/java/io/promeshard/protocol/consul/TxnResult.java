package io.promeshard.protocol.consul;

/**
 * What a successful {@link TxnWriter#write} did: batches sent, caller ops written, request bytes
 * sent.
 */
public record TxnResult(int batches, int ops, long bodyBytes) {
  public static final TxnResult EMPTY = new TxnResult(0, 0, 0);
}

package io.promeshard.protocol.consul;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Splits ops into Consul transaction bodies within both limits (64 ops, 512 KiB of body), each
 * fenced batch led by the fence's check-session op, order preserved. Sizes are of the exact bytes
 * sent. An op that cannot fit any batch throws IllegalArgumentException naming its key, before
 * anything is sent.
 */
final class TxnBatches {
  static final int MAX_OPS = 64;
  static final int MAX_BODY_BYTES = 512 * 1024;

  /** One request: the ops in it (fence op first when fenced) and the JSON body to send. */
  @SuppressWarnings(
      "ArrayRecordComponent") // a batch is built, sent once and dropped; never compared or hashed
  record Batch(List<TxnOp> ops, byte[] body) {
    Batch {
      ops = List.copyOf(ops);
    }
  }

  private final ObjectMapper mapper;
  private final int maxOps;
  private final int maxBodyBytes;

  TxnBatches(ObjectMapper mapper) {
    this(mapper, MAX_OPS, MAX_BODY_BYTES);
  }

  TxnBatches(ObjectMapper mapper, int maxOps, int maxBodyBytes) {
    this.mapper = mapper;
    this.maxOps = maxOps;
    this.maxBodyBytes = maxBodyBytes;
  }

  List<Batch> plan(Fence fence, List<TxnOp> ops) {
    byte[] fenceJson = fence.isNone() ? null : json(fence.check());
    List<Batch> out = new ArrayList<>();
    Builder current = new Builder(fence, fenceJson);
    for (TxnOp op : ops) {
      byte[] j = json(op);
      if (!current.fits(j)) {
        if (current.userOps() == 0) {
          throw tooLarge(op, current.sizeWith(j));
        }
        out.add(current.build());
        current = new Builder(fence, fenceJson);
        if (!current.fits(j)) {
          throw tooLarge(op, current.sizeWith(j));
        }
      }
      current.add(op, j);
    }
    if (current.userOps() > 0) {
      out.add(current.build());
    }
    return out;
  }

  private IllegalArgumentException tooLarge(TxnOp op, long size) {
    return new IllegalArgumentException(
        "txn "
            + op.verb().wire()
            + " on "
            + op.key()
            + ": a batch holding it is "
            + size
            + " bytes, over Consul's "
            + maxBodyBytes
            + "-byte txn body limit (split the value into chunks)");
  }

  byte[] json(TxnOp op) {
    ObjectNode kv = mapper.createObjectNode();
    kv.put("Verb", op.verb().wire());
    kv.put("Key", op.key());
    byte[] value = op.value();
    if (value != null) {
      kv.put("Value", Base64.getEncoder().encodeToString(value));
    }
    if (op.index() != 0
        || op.verb() == TxnOp.Verb.CAS
        || op.verb() == TxnOp.Verb.DELETE_CAS
        || op.verb() == TxnOp.Verb.CHECK_INDEX) {
      kv.put("Index", op.index());
    }
    if (op.session() != null) {
      kv.put("Session", op.session());
    }
    ObjectNode root = mapper.createObjectNode();
    root.set("KV", kv);
    try {
      return mapper.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("encoding txn op on " + op.key(), e);
    }
  }

  private final class Builder {
    private final List<TxnOp> ops = new ArrayList<>();
    private final List<byte[]> parts = new ArrayList<>();
    private long size = 2; // "[" and "]"
    private final int fenceOps;

    Builder(Fence fence, byte[] fenceJson) {
      if (fenceJson != null) {
        add(fence.check(), fenceJson);
      }
      fenceOps = ops.size();
    }

    int userOps() {
      return ops.size() - fenceOps;
    }

    long sizeWith(byte[] j) {
      return size + j.length + (parts.isEmpty() ? 0 : 1);
    }

    boolean fits(byte[] j) {
      return ops.size() + 1 <= maxOps && sizeWith(j) <= maxBodyBytes;
    }

    void add(TxnOp op, byte[] j) {
      size = sizeWith(j);
      ops.add(op);
      parts.add(j);
    }

    Batch build() {
      ByteArrayOutputStream body = new ByteArrayOutputStream((int) size);
      body.write('[');
      for (int i = 0; i < parts.size(); i++) {
        if (i > 0) {
          body.write(',');
        }
        body.writeBytes(parts.get(i));
      }
      body.write(']');
      byte[] bytes = body.toByteArray();
      if (bytes.length != size) {
        throw new IllegalStateException("txn batch size " + bytes.length + " != planned " + size);
      }
      return new Batch(ops, bytes);
    }
  }
}

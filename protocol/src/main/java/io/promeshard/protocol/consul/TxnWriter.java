package io.promeshard.protocol.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes KV ops through Consul transactions ({@code PUT /v1/txn}) in batches within 64 ops and 512
 * KiB of body, each fenced batch led by a {@code check-session} op on the leader key. Each batch is
 * atomic; batches are sent in order and the first failure stops the write: HTTP 409 throws {@link
 * TxnRejectedException} (with {@code fencingLost()}), 413 an IOException giving the body size.
 */
public final class TxnWriter {
  private static final Logger log = LoggerFactory.getLogger(TxnWriter.class);
  private static final MediaType JSON = MediaType.get("application/json");

  private final ConsulHttp http;
  private final ObjectMapper mapper = new ObjectMapper();
  private final TxnBatches batcher;

  public TxnWriter(ConsulHttp http) {
    this.http = http;
    this.batcher = new TxnBatches(mapper);
  }

  /** Writes {@code ops} in order; an empty list writes nothing. */
  public TxnResult write(Fence fence, List<TxnOp> ops) throws IOException {
    if (ops.isEmpty()) {
      return TxnResult.EMPTY;
    }
    List<TxnBatches.Batch> batches = batcher.plan(fence, ops);
    long bytes = 0;
    for (int i = 0; i < batches.size(); i++) {
      TxnBatches.Batch b = batches.get(i);
      send(b, i + 1, batches.size());
      bytes += b.body().length;
    }
    log.debug(
        "[txn] wrote {} ops in {} batch(es), {} bytes, {}",
        ops.size(),
        batches.size(),
        bytes,
        fence);
    return new TxnResult(batches.size(), ops.size(), bytes);
  }

  private void send(TxnBatches.Batch batch, int number, int of) throws IOException {
    String what =
        "PUT txn batch "
            + number
            + " of "
            + of
            + " ("
            + batch.ops().size()
            + " ops, first "
            + firstWrite(batch).key()
            + ")";
    Request req =
        new Request.Builder()
            .url(http.url("txn").build())
            .put(RequestBody.create(batch.body(), JSON))
            .build();
    try (Response r = http.client().newCall(req).execute()) {
      if (r.isSuccessful()) {
        return;
      }
      if (r.code() == 409) {
        throw rejected(what, ConsulErrors.fullBodyOf(r), batch, number, of);
      }
      if (r.code() == 413) {
        throw new IOException(
            what
                + ": request body of "
                + batch.body().length
                + " bytes too large for Consul (HTTP 413 "
                + ConsulErrors.bodyOf(r)
                + ")");
      }
      throw ConsulErrors.failure(what, r, http);
    }
  }

  /** The batch's first op after its fence: the key an operator recognises in an error. */
  private static TxnOp firstWrite(TxnBatches.Batch batch) {
    List<TxnOp> ops = batch.ops();
    return ops.size() > 1 && ops.get(0).verb() == TxnOp.Verb.CHECK_SESSION
        ? ops.get(1)
        : ops.get(0);
  }

  private IOException rejected(
      String what, String body, TxnBatches.Batch batch, int number, int of) {
    List<TxnRejectedException.OpError> errors = new ArrayList<>();
    try {
      JsonNode errs = mapper.readTree(body).path("Errors");
      for (JsonNode e : errs) {
        int idx = e.path("OpIndex").asInt(-1);
        TxnOp op = idx >= 0 && idx < batch.ops().size() ? batch.ops().get(idx) : null;
        errors.add(
            new TxnRejectedException.OpError(
                idx,
                op == null ? null : op.verb().wire(),
                op == null ? null : op.key(),
                e.path("What").asText("")));
      }
    } catch (IOException e) {
      return new IOException(what + ": HTTP 409 with malformed body: " + body, e);
    }
    if (errors.isEmpty()) {
      return new IOException(what + ": HTTP 409 without per-op errors: " + body);
    }
    boolean denied =
        errors.stream()
            .anyMatch(
                e -> e.what().toLowerCase(java.util.Locale.ROOT).contains("permission denied"));
    return new TxnRejectedException(
        errors,
        number,
        of,
        denied
            ? "the Consul token lacks permission for these keys (" + http.credentials() + ")"
            : "");
  }
}

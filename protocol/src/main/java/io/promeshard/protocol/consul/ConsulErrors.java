package io.promeshard.protocol.consul;

import java.io.IOException;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Turns a failed Consul reply into an IOException naming the operation, the key, the status and the
 * body.
 */
final class ConsulErrors {
  private static final int MAX_BODY_CHARS = 500;

  private ConsulErrors() {}

  /** {@code what} is e.g. {@code "GET kv prome-shard/nodes/a/"}. */
  static IOException failure(String what, Response response, ConsulHttp http) {
    return failure(what, response.code(), bodyOf(response), http);
  }

  /** The same mapping for a status and body read by another client (ecwid's OperationException). */
  static IOException failure(String what, int status, String body, ConsulHttp http) {
    body = body == null ? "" : body.strip();
    if (body.length() > MAX_BODY_CHARS) {
      body = body.substring(0, MAX_BODY_CHARS) + "...";
    }
    String msg = what + ": HTTP " + status + (body.isEmpty() ? "" : " " + body);
    if (status == 403) {
      msg += ": the Consul token lacks permission for this request (" + http.credentials() + ")";
    }
    return new IOException(msg);
  }

  /** The body for an error message, cut to a readable length. */
  static String bodyOf(Response response) {
    String s = fullBodyOf(response);
    return s.length() > MAX_BODY_CHARS ? s.substring(0, MAX_BODY_CHARS) + "..." : s;
  }

  /** The whole body, for replies that must be parsed (a txn's per-op errors can be long). */
  static String fullBodyOf(Response response) {
    ResponseBody b = response.body();
    if (b == null) {
      return "";
    }
    try {
      return b.string().strip();
    } catch (IOException e) {
      return "(body unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * The {@code X-Consul-Index} header, or an IOException naming {@code what} when missing or
   * malformed.
   */
  static long index(String what, Response response) throws IOException {
    String h = response.header("X-Consul-Index");
    if (h == null) {
      throw new IOException(
          what + ": Consul reply has no X-Consul-Index header (HTTP " + response.code() + ")");
    }
    try {
      return Long.parseLong(h.strip());
    } catch (NumberFormatException e) {
      throw new IOException(what + ": malformed X-Consul-Index header " + h, e);
    }
  }
}

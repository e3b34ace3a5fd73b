package io.promeshard.protocol.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promeshard.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consul sessions and the session lock on a key: create, renew and destroy a session; lock a key
 * atomically with its new value only if it did not change since it was read (a check-index or
 * check-not-exists op and a lock op in one {@link TxnWriter} transaction); release it. Failures are
 * IOExceptions from {@link ConsulErrors}; "no" answers (session gone, lock refused) are return
 * values.
 */
public final class SessionClient {
  private static final Logger log = LoggerFactory.getLogger(SessionClient.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private final ConsulHttp http;
  private final TxnWriter txn;

  public SessionClient(ConsulHttp http) {
    this.http = http;
    this.txn = new TxnWriter(http);
  }

  /** Creates a session with behavior {@code release}; returns its ID. */
  public String create(String name, Duration ttl, Duration lockDelay) throws IOException {
    ObjectNode body =
        Json.MAPPER
            .createObjectNode()
            .put("Name", name)
            .put("TTL", ttl.toMillis() + "ms")
            .put("LockDelay", lockDelay.toMillis() + "ms")
            .put("Behavior", "release");
    String what = "PUT session/create";
    String text =
        put(
            what,
            http.url("session/create").build(),
            RequestBody.create(Json.MAPPER.writeValueAsBytes(body), JSON),
            false);
    JsonNode reply = Json.MAPPER.readTree(text);
    String id = reply == null ? "" : reply.path("ID").asText("");
    if (id.isEmpty()) {
      throw new IOException(what + ": reply without ID: " + reply);
    }
    return id;
  }

  /** Renews the session; false when Consul no longer knows it (expired or destroyed). */
  public boolean renew(String session) throws IOException {
    return put(
            "PUT session/renew/" + session,
            http.url("session/renew/" + session).build(),
            RequestBody.create(new byte[0], JSON),
            true)
        != null;
  }

  /** Destroys the session, releasing any lock it holds (lock-delay then applies to those keys). */
  public void destroy(String session) throws IOException {
    put(
        "PUT session/destroy/" + session,
        http.url("session/destroy/" + session).build(),
        RequestBody.create(new byte[0], JSON),
        false);
  }

  /**
   * Locks {@code key} for {@code session} and sets {@code value} in one transaction, only if the
   * key's ModifyIndex is still {@code modifyIndex} (0: only if it does not exist). False when
   * Consul refuses (held by another session, changed meanwhile, lock-delay, invalid session).
   */
  public boolean lock(String key, byte[] value, String session, long modifyIndex)
      throws IOException {
    TxnOp check = modifyIndex > 0 ? TxnOp.checkIndex(key, modifyIndex) : TxnOp.checkNotExists(key);
    try {
      txn.write(Fence.NONE, List.of(check, TxnOp.lock(key, value, session)));
      return true;
    } catch (TxnRejectedException e) {
      log.debug("[session] {}: lock refused: {}", key, e.getMessage());
      return false;
    }
  }

  /**
   * Releases {@code key} held by {@code session}, leaving {@code value} (the one written at
   * acquire) in place.
   */
  public boolean release(String key, byte[] value, String session) throws IOException {
    HttpUrl url = http.url("kv/" + key).addQueryParameter("release", session).build();
    return put("PUT kv " + key + "?release", url, RequestBody.create(value, OCTETS), false)
        .strip()
        .equals("true");
  }

  /** Sends a PUT; returns the body, or null on 404 when {@code notFoundIsNull}. */
  private String put(String what, HttpUrl url, RequestBody body, boolean notFoundIsNull)
      throws IOException {
    Request req = new Request.Builder().url(url).put(body).build();
    try (Response r = http.client().newCall(req).execute()) {
      if (r.code() == 404 && notFoundIsNull) {
        return null;
      }
      if (!r.isSuccessful()) {
        throw ConsulErrors.failure(what, r, http);
      }
      return ConsulErrors.fullBodyOf(r);
    }
  }
}

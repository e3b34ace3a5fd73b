package io.promeshard.coordinator.leader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promeshard.protocol.consul.ConsulHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Consul session and lock calls of the leader election, over okhttp (token as header): create,
 * renew and destroy a session; lock a key atomically with its new value only if it did not change
 * since it was read; release it. Transport failures and unexpected replies are IOExceptions naming
 * the call; "no" answers (session gone, lock refused) are return values.
 */
final class SessionApi {
  private static final Logger log = LoggerFactory.getLogger(SessionApi.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private final ConsulHttp http;
  private final ObjectMapper mapper = new ObjectMapper();

  SessionApi(ConsulHttp http) {
    this.http = http;
  }

  /** Creates a session with behavior {@code release}; returns its ID. */
  String create(String name, Duration ttl, Duration lockDelay) throws IOException {
    ObjectNode body = mapper.createObjectNode()
        .put("Name", name)
        .put("TTL", ttl.toMillis() + "ms")
        .put("LockDelay", lockDelay.toMillis() + "ms")
        .put("Behavior", "release");
    JsonNode reply = mapper.readTree(call("PUT session/create", http.url("session/create").build(),
        RequestBody.create(mapper.writeValueAsBytes(body), JSON), false));
    String id = reply == null ? "" : reply.path("ID").asText("");
    if (id.isEmpty()) {
      throw new IOException("PUT session/create: reply without ID: " + reply);
    }
    return id;
  }

  /** Renews the session; false when Consul no longer knows it (expired or destroyed). */
  boolean renew(String session) throws IOException {
    return call("PUT session/renew/" + session, http.url("session/renew/" + session).build(),
        RequestBody.create(new byte[0], JSON), true) != null;
  }

  /** Destroys the session, releasing any lock it holds (lock-delay then applies to those keys). */
  void destroy(String session) throws IOException {
    call("PUT session/destroy/" + session, http.url("session/destroy/" + session).build(),
        RequestBody.create(new byte[0], JSON), false);
  }

  /**
   * Locks {@code key} for {@code session} and sets {@code value} in one transaction, only if the key's
   * ModifyIndex is still {@code modifyIndex} (0: only if it does not exist). False when Consul refuses
   * (held by another session, changed meanwhile, lock-delay, invalid session).
   */
  boolean lock(String key, byte[] value, String session, long modifyIndex) throws IOException {
    ArrayNode ops = mapper.createArrayNode();
    ObjectNode check = ops.addObject().putObject("KV").put("Key", key);
    if (modifyIndex > 0) {
      check.put("Verb", "check-index").put("Index", modifyIndex);
    } else {
      check.put("Verb", "check-not-exists");
    }
    ops.addObject().putObject("KV").put("Verb", "lock").put("Key", key)
        .put("Value", Base64.getEncoder().encodeToString(value)).put("Session", session);
    String what = "PUT txn lock " + key;
    Request req = new Request.Builder().url(http.url("txn").build())
        .put(RequestBody.create(mapper.writeValueAsBytes(ops), JSON)).build();
    try (Response r = http.client().newCall(req).execute()) {
      if (r.isSuccessful()) {
        return true;
      }
      String text = bodyOf(r);
      if (r.code() == 409) {
        log.debug("[leader] {}: lock refused: {}", key, text);
        return false;
      }
      throw failure(what, r.code(), text);
    }
  }

  /** Releases {@code key} held by {@code session}, leaving {@code value} (the one written at acquire) in place. */
  boolean release(String key, byte[] value, String session) throws IOException {
    HttpUrl url = http.url("kv/" + key).addQueryParameter("release", session).build();
    String reply = call("PUT kv " + key + "?release", url, RequestBody.create(value, OCTETS), false);
    return reply.strip().equals("true");
  }

  /** Sends a PUT; returns the body, or null on 404 when {@code notFoundIsNull}. */
  private String call(String what, HttpUrl url, RequestBody body, boolean notFoundIsNull) throws IOException {
    Request req = new Request.Builder().url(url).put(body).build();
    try (Response r = http.client().newCall(req).execute()) {
      String text = bodyOf(r);
      if (r.code() == 404 && notFoundIsNull) {
        return null;
      }
      if (!r.isSuccessful()) {
        throw failure(what, r.code(), text);
      }
      return text;
    }
  }

  private static IOException failure(String what, int status, String text) {
    return new IOException(what + ": HTTP " + status + (text.isEmpty() ? "" : " " + text)
        + (status == 403 ? ": the Consul token lacks session:write or key:write permission" : ""));
  }

  private static String bodyOf(Response r) throws IOException {
    ResponseBody b = r.body();
    return b == null ? "" : new String(b.bytes(), StandardCharsets.UTF_8).strip();
  }
}

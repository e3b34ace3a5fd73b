package io.promeshard.protocol.consul;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Consul KV over okhttp: recursive (blocking) list, get, put, check-and-set and deletes. Failures
 * are IOExceptions naming the key, the HTTP status and Consul's body (403: the token lacks
 * permission).
 */
public final class KvClient {
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  private final ConsulHttp http;
  private final ObjectMapper mapper = new ObjectMapper();

  public KvClient(ConsulHttp http) {
    this.http = http;
  }

  public ConsulHttp http() {
    return http;
  }

  /**
   * One recursive GET of {@code prefix}; blocks up to {@code wait} when {@code index > 0}. No keys:
   * empty list.
   */
  public ConsulResponse<List<KvEntry>> list(String prefix, long index, Duration wait)
      throws IOException {
    return list(prefix, index, wait, new CallHandle());
  }

  /**
   * As {@link #list(String, long, Duration)}, registering the call with {@code handle} so it can be
   * cancelled.
   */
  public ConsulResponse<List<KvEntry>> list(
      String prefix, long index, Duration wait, CallHandle handle) throws IOException {
    return list(prefix, index, wait, handle, Long.MAX_VALUE);
  }

  /**
   * As {@link #list(String, long, Duration, CallHandle)}; a reply body over {@code maxBodyBytes} is
   * measured, dropped and thrown as a {@link ReplyTooLargeException}.
   */
  public ConsulResponse<List<KvEntry>> list(
      String prefix, long index, Duration wait, CallHandle handle, long maxBodyBytes)
      throws IOException {
    String what = "GET kv " + prefix;
    ConsulResponse<byte[]> reply =
        http.blockingGet(
            http.url("kv/" + prefix).addQueryParameter("recurse", "true"),
            index,
            wait,
            handle,
            what,
            maxBodyBytes);
    List<KvEntry> entries = reply.value().length == 0 ? List.of() : parse(what, reply.value());
    return new ConsulResponse<>(entries, reply.index());
  }

  /** The entry at exactly {@code key}, or empty. */
  public Optional<KvEntry> get(String key) throws IOException {
    String what = "GET kv " + key;
    Request req = new Request.Builder().url(http.url("kv/" + key).build()).get().build();
    try (Response r = http.client().newCall(req).execute()) {
      if (r.code() == 404) {
        return Optional.empty();
      }
      if (!r.isSuccessful()) {
        throw ConsulErrors.failure(what, r, http);
      }
      List<KvEntry> entries = parse(what, r.body().bytes());
      return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }
  }

  public void put(String key, byte[] value) throws IOException {
    if (!putWith(key, value, null)) {
      throw new IOException("PUT kv " + key + ": Consul answered false");
    }
  }

  /**
   * Writes only if the key's ModifyIndex is still {@code modifyIndex} (0: only if absent); false
   * when it moved.
   */
  public boolean cas(String key, byte[] value, long modifyIndex) throws IOException {
    return putWith(key, value, modifyIndex);
  }

  public void delete(String key) throws IOException {
    deleteWith(key, false);
  }

  /** Deletes {@code prefix} and every key below it. */
  public void deleteTree(String prefix) throws IOException {
    deleteWith(prefix, true);
  }

  private boolean putWith(String key, byte[] value, Long cas) throws IOException {
    String what = "PUT kv " + key;
    HttpUrl.Builder url = http.url("kv/" + key);
    if (cas != null) {
      url.addQueryParameter("cas", Long.toString(cas));
    }
    Request req =
        new Request.Builder().url(url.build()).put(RequestBody.create(value, OCTETS)).build();
    try (Response r = http.client().newCall(req).execute()) {
      if (!r.isSuccessful()) {
        throw ConsulErrors.failure(what, r, http);
      }
      String body = r.body().string().strip();
      if (!body.equals("true") && !body.equals("false")) {
        throw new IOException(what + ": unexpected Consul reply " + body);
      }
      return body.equals("true");
    }
  }

  private void deleteWith(String key, boolean recurse) throws IOException {
    String what = "DELETE kv " + key;
    HttpUrl.Builder url = http.url("kv/" + key);
    if (recurse) {
      url.addQueryParameter("recurse", "true");
    }
    try (Response r =
        http.client().newCall(new Request.Builder().url(url.build()).delete().build()).execute()) {
      if (!r.isSuccessful()) {
        throw ConsulErrors.failure(what, r, http);
      }
    }
  }

  /**
   * Reads Consul's entry list with a streaming parser, decoding each base64 value straight to
   * bytes: a tree of the reply would hold every value a second time, as a base64 string.
   */
  private List<KvEntry> parse(String what, byte[] body) throws IOException {
    try (JsonParser p = mapper.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException("expected a JSON array");
      }
      List<KvEntry> out = new ArrayList<>();
      while (p.nextToken() == JsonToken.START_OBJECT) {
        out.add(entry(p));
      }
      if (p.currentToken() != JsonToken.END_ARRAY || p.nextToken() != null) {
        throw new IOException("expected a JSON array of entries");
      }
      return List.copyOf(out);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(what + ": malformed Consul reply: " + e.getMessage(), e);
    }
  }

  /** One entry object, the parser on its START_OBJECT; unknown fields are skipped. */
  private static KvEntry entry(JsonParser p) throws IOException {
    String key = null;
    byte[] value = null;
    Long create = null;
    Long modify = null;
    String session = null;
    for (String field; (field = p.nextFieldName()) != null; ) {
      JsonToken t = p.nextToken();
      switch (field) {
        case "Key" -> key = t == JsonToken.VALUE_STRING ? p.getText() : null;
        case "Value" -> value = t == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
        case "CreateIndex" -> create = t.isNumeric() ? p.getLongValue() : null;
        case "ModifyIndex" -> modify = t.isNumeric() ? p.getLongValue() : null;
        case "Session" -> session = t == JsonToken.VALUE_STRING ? p.getText() : null;
        default -> p.skipChildren();
      }
    }
    if (key == null) {
      throw new IOException("entry without text field Key");
    }
    if (create == null || modify == null) {
      throw new IOException(
          "entry without integer field " + (create == null ? "CreateIndex" : "ModifyIndex"));
    }
    return new KvEntry(
        key, value, create, modify, session == null || session.isEmpty() ? null : session);
  }
}

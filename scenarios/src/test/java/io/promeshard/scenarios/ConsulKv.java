package io.promeshard.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Plain HTTP calls to Consul as an operator or the Consul UI makes them (KV PUT and GET, health);
 * any transport error or unexpected status throws UncheckedIOException naming the request.
 */
final class ConsulKv {
  private final String url;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  ConsulKv(String url) {
    this.url = url;
  }

  /** PUT of the raw value, as the Consul UI saves a key. */
  void put(String key, String value) {
    put(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** PUT of raw bytes (e.g. a gzip-compressed part). */
  void put(String key, byte[] value) {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(uri("/v1/kv/" + key))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(value)));
    if (r.statusCode() != 200 || !r.body().strip().equals("true")) {
      throw new UncheckedIOException(
          new IOException("PUT " + key + ": HTTP " + r.statusCode() + " " + r.body()));
    }
  }

  /**
   * Puts service {@code serviceId} of the Consul agent this client talks to in maintenance mode, or
   * takes it out, as {@code consul maint -service} does.
   */
  void maintenance(String serviceId, boolean enable) {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(
                    uri(
                        "/v1/agent/service/maintenance/"
                            + serviceId
                            + "?enable="
                            + enable
                            + "&reason=scenario"))
                .PUT(HttpRequest.BodyPublishers.noBody()));
    if (r.statusCode() != 200) {
      throw new UncheckedIOException(
          new IOException(
              "maintenance of " + serviceId + ": HTTP " + r.statusCode() + " " + r.body()));
    }
  }

  /** DELETE of one key, as an operator deletes it in the Consul UI. */
  void delete(String key) {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/kv/" + key)).DELETE());
    if (r.statusCode() != 200) {
      throw new UncheckedIOException(
          new IOException("DELETE " + key + ": HTTP " + r.statusCode() + " " + r.body()));
    }
  }

  /** Every key under {@code prefix} with its value (empty when none). */
  SortedMap<String, byte[]> tree(String prefix) {
    SortedMap<String, byte[]> out = new TreeMap<>();
    for (JsonNode e : entries(prefix + "?recurse=true")) {
      String value = e.path("Value").asText("");
      out.put(
          e.path("Key").asText(),
          value.isEmpty() ? new byte[0] : Base64.getDecoder().decode(value));
    }
    return out;
  }

  /** Every key under {@code prefix} with its ModifyIndex (the raft index of its last write). */
  SortedMap<String, Long> modifyIndexes(String prefix) {
    SortedMap<String, Long> out = new TreeMap<>();
    for (JsonNode e : entries(prefix + "?recurse=true")) {
      out.put(e.path("Key").asText(), e.path("ModifyIndex").asLong());
    }
    return out;
  }

  /**
   * The entry at {@code key} as Consul returns it (Key, Value in base64, Session, ...), if present.
   */
  Optional<JsonNode> entry(String key) {
    List<JsonNode> list = entries(key);
    return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  /** IDs of the instances of {@code service} whose checks all pass. */
  List<String> passing(String service) {
    List<String> ids = new ArrayList<>();
    json("/v1/health/service/" + service + "?passing=true")
        .forEach(e -> ids.add(e.path("Service").path("ID").asText()));
    return ids;
  }

  /** IDs of the services registered with the local Consul agent. */
  List<String> agentServices() {
    List<String> ids = new ArrayList<>();
    json("/v1/agent/services").fieldNames().forEachRemaining(ids::add);
    return ids;
  }

  /**
   * Consul's index of the tree under {@code prefix} ({@code X-Consul-Index} of a recursive GET).
   */
  long index(String prefix) {
    return indexOf(send(HttpRequest.newBuilder(uri("/v1/kv/" + prefix + "?recurse=true")).GET()));
  }

  /**
   * Blocks until the tree under {@code prefix} moves past {@code index} (or {@code wait} ends) and
   * returns the new index: a blocking query returns as soon as a write under it commits.
   */
  long awaitChange(String prefix, long index, Duration wait) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                uri(
                    "/v1/kv/"
                        + prefix
                        + "?recurse=true&index="
                        + index
                        + "&wait="
                        + wait.toMillis()
                        + "ms"))
            .GET();
    return indexOf(send(request, wait.plusSeconds(5)));
  }

  private static long indexOf(HttpResponse<String> r) {
    return r.headers().firstValueAsLong("X-Consul-Index").orElse(0);
  }

  private List<JsonNode> entries(String keyAndQuery) {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/kv/" + keyAndQuery)).GET());
    if (r.statusCode() == 404) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    parse(keyAndQuery, r).forEach(out::add);
    return out;
  }

  private JsonNode json(String path) {
    return parse(path, send(HttpRequest.newBuilder(uri(path)).GET()));
  }

  private static JsonNode parse(String what, HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new UncheckedIOException(
          new IOException("GET " + what + ": HTTP " + r.statusCode() + " " + r.body()));
    }
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + what + ": not JSON", e);
    }
  }

  private URI uri(String path) {
    return URI.create(url + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request, Duration.ofSeconds(5));
  }

  private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) {
    HttpRequest req = request.timeout(timeout).build();
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(req.method() + " " + req.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + req.method() + " " + req.uri(), e);
    }
  }
}

package io.promeshard.bench.fleet;

import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The benchmark's own Consul client: KV puts and fake Prometheus nodes registered as services with
 * TTL checks (so membership works without a Prometheus). Failures throw UncheckedIOException or
 * IllegalStateException naming the request.
 */
public final class ConsulAccess implements Closeable {
  private final String url;
  private final ConsulHttp http;
  private final KvClient kv;

  public ConsulAccess(String url) {
    this.url = url;
    this.http = ConsulHttp.create(ConsulSettings.of(url));
    this.kv = new KvClient(http);
  }

  public String url() {
    return url;
  }

  public ConsulHttp http() {
    return http;
  }

  public KvClient kv() {
    return kv;
  }

  public void putKv(String key, String value) {
    try {
      kv.put(key, value.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("PUT " + key, e);
    }
  }

  /** Registers {@code node} as an instance of {@code service} with a passing TTL check. */
  public void register(String service, String node) {
    String body =
        "{\"ID\":\""
            + node
            + "\",\"Name\":\""
            + service
            + "\",\"Port\":9090,\"Address\":\"127.0.0.1\","
            + "\"Meta\":{\"weight\":\"1\",\"zone\":\"\"},"
            + "\"Check\":{\"CheckID\":\"ttl-"
            + node
            + "\",\"TTL\":\"1h\",\"Status\":\"passing\"}}";
    put("agent/service/register", body);
  }

  /** Marks the node's TTL check critical: the coordinator drops it after flap_hold. */
  public void fail(String node) {
    put("agent/check/fail/ttl-" + node, "");
  }

  public void pass(String node) {
    put("agent/check/pass/ttl-" + node, "");
  }

  public void deregister(String node) {
    put("agent/service/deregister/" + node, "");
  }

  private void put(String path, String body) {
    Request request =
        new Request.Builder()
            .url(http.url(path).build())
            .put(RequestBody.create(body, MediaType.get("application/json")))
            .build();
    try (Response response = http.client().newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new IllegalStateException(
            "PUT /v1/" + path + ": HTTP " + response.code() + " " + response.body().string());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("PUT /v1/" + path, e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}

package io.promeshard.protocol.consul;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * Blocking reads of {@code /v1/health/service/<service>}: every instance with its node and checks,
 * as Consul's JSON array. Over okhttp rather than ecwid so that a watch can cancel the read in
 * flight ({@link CallHandle}). A failed or malformed reply is an IOException naming the service.
 */
public final class HealthClient {
  private final ConsulHttp http;

  public HealthClient(ConsulHttp http) {
    this.http = Objects.requireNonNull(http, "http");
  }

  /**
   * Which instances a read returns: only passing ones, with all of {@code tags}, in {@code
   * datacenter} (null: local).
   */
  public record Query(String service, boolean passingOnly, List<String> tags, String datacenter) {
    public Query {
      if (service == null || service.isBlank()) {
        throw new IllegalArgumentException("health query: service missing");
      }
      tags = List.copyOf(tags);
    }

    /** Every instance of {@code service}, whatever its checks say. */
    public static Query all(String service) {
      return new Query(service, false, List.of(), null);
    }

    /** The name used in log lines and errors. */
    public String what() {
      return "GET health/service/" + service;
    }
  }

  /** One read; blocks up to {@code wait} when {@code index > 0}; {@code handle} can cancel it. */
  public ConsulResponse<JsonNode> service(Query query, long index, Duration wait, CallHandle handle)
      throws IOException {
    HttpUrl.Builder url = http.url("health/service/" + query.service());
    if (query.passingOnly()) {
      url.addQueryParameter("passing", "true");
    }
    query.tags().forEach(tag -> url.addQueryParameter("tag", tag));
    if (query.datacenter() != null) {
      url.addQueryParameter("dc", query.datacenter());
    }
    ConsulResponse<byte[]> reply = http.blockingGet(url, index, wait, handle, query.what());
    return new ConsulResponse<>(ConsulHttp.jsonArray(query.what(), reply.value()), reply.index());
  }
}

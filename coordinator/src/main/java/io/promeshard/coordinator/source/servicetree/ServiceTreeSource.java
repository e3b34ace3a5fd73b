package io.promeshard.coordinator.source.servicetree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promeshard.coordinator.config.ServiceTreeMatcher;
import io.promeshard.coordinator.config.ServiceTreeSourceSpec;
import io.promeshard.coordinator.source.HttpCalls;
import io.promeshard.coordinator.source.PollingSource;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.ProtocolException;
import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queries the service tree every {@code refresh} with {@code POST {url}/query/resource?get_all=1}
 * and maps the instances as {@link ServiceTreeMapping} describes. A non-200 answer, a transport
 * error, a malformed or empty answer, or one past the spec's {@code timeout}, {@code max_bytes} or
 * {@code max_targets} (instances, and targets after mapping) fails the refresh (the listener keeps
 * the last good targets).
 */
public final class ServiceTreeSource extends PollingSource {
  private static final Logger log = LoggerFactory.getLogger(ServiceTreeSource.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final ServiceTreeSourceSpec spec;
  private final HttpUrl queryUrl;
  private final byte[] body;
  private final HttpCalls http;

  public ServiceTreeSource(String name, ServiceTreeSourceSpec spec, OkHttpClient client) {
    super(name, spec.refresh(), spec.refresh());
    this.spec = spec;
    this.queryUrl = queryUrl(spec.url());
    this.body = Json.encode(requestBody(spec));
    this.http = new HttpCalls(client, spec.timeout());
  }

  /** {@code {url}/query/resource?get_all=1}, keeping any path prefix of {@code url}. */
  static HttpUrl queryUrl(String url) {
    return HttpUrl.get(url)
        .newBuilder()
        .addPathSegment("query")
        .addPathSegment("resource")
        .addQueryParameter("get_all", "1")
        .build();
  }

  /** {@code {"resource_type":"ecs","use_index":true,"labels":[{"key","value","type"}]}}. */
  static JsonNode requestBody(ServiceTreeSourceSpec spec) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("resource_type", spec.resourceType());
    root.put("use_index", true);
    ArrayNode labels = root.putArray("labels");
    for (ServiceTreeMatcher m : spec.labels()) {
      labels.addObject().put("key", m.key()).put("value", m.value()).put("type", m.type());
    }
    return root;
  }

  @Override
  protected Polled poll() throws IOException {
    Request request =
        new Request.Builder()
            .url(queryUrl)
            .header("Accept", "application/json")
            .post(RequestBody.create(body, JSON))
            .build();
    byte[] answer = http.fetch(request, spec.maxBytes());
    String where = "service tree " + HttpCalls.describe(queryUrl);
    ServiceTreeMapping.Mapped mapped =
        ServiceTreeMapping.map(
            where, ServiceTreeAnswer.parse(where, answer, spec.maxTargets()), spec);
    if (mapped.groups().size() > spec.maxTargets()) {
      throw new ProtocolException(
          where
              + ": over max_targets "
              + spec.maxTargets()
              + " ("
              + mapped.groups().size()
              + " targets from the ports of each instance)");
    }
    if (mapped.skipped() > 0) {
      log.debug("[source] {}: skipped {} instances without a private IP", name, mapped.skipped());
    }
    log.debug("[source] {}: {} targets for {}", name, mapped.groups().size(), spec.labels());
    return new Polled(mapped.groups(), mapped.skipped(), null);
  }

  @Override
  protected void cancel() {
    http.cancel();
  }
}

package io.promeshard.coordinator.source.servicetree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A small service tree (CMDB) speaking the API of seeds/000: {@code POST /query/resource?get_all=1}
 * with {@code {"resource_type":"ecs","use_index":true,"labels":[{"key","value","type"}]}},
 * selecting instances of a fixture inventory whose tags match every matcher (1 eq, 2 not_eq, 3
 * regex, 4 not regex; regexes match the whole value, a missing tag is ""). Anything else is
 * answered 400/404.
 */
final class FakeServiceTree extends Dispatcher {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> BODY_FIELDS = Set.of("resource_type", "use_index", "labels");
  private static final Set<String> MATCHER_FIELDS = Set.of("key", "value", "type");

  private final ArrayNode inventory;

  /** Request bodies in arrival order, for assertions. */
  final BlockingQueue<JsonNode> bodies = new LinkedBlockingQueue<>();

  /** When set, answered instead of a query result (to inject faults). */
  volatile MockResponse override;

  FakeServiceTree(String fixture) {
    try (InputStream in = FakeServiceTree.class.getResourceAsStream(fixture)) {
      inventory = (ArrayNode) MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + fixture, e);
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!"POST".equals(request.getMethod())
        || !"/query/resource?get_all=1".equals(request.getPath())) {
      return new MockResponse()
          .setResponseCode(404)
          .setBody("no route " + request.getMethod() + " " + request.getPath());
    }
    JsonNode body;
    try {
      body = MAPPER.readTree(request.getBody().readUtf8());
    } catch (IOException e) {
      return badRequest("body is not JSON: " + e.getMessage());
    }
    bodies.add(body);
    String problem = validate(body);
    if (problem != null) {
      return badRequest(problem);
    }
    if (override != null) {
      return override;
    }
    ObjectNode answer = MAPPER.createObjectNode().put("code", 0).put("message", "ok");
    ArrayNode result = answer.putArray("result");
    for (JsonNode instance : inventory) {
      if (matchesAll(instance.path("tags"), body.get("labels"))) {
        result.add(instance);
      }
    }
    return new MockResponse()
        .setHeader("Content-Type", "application/json")
        .setBody(answer.toString());
  }

  private static String validate(JsonNode body) {
    if (!body.isObject()) {
      return "body must be an object";
    }
    for (String field : iterable(body.fieldNames())) {
      if (!BODY_FIELDS.contains(field)) {
        return "unknown field " + field;
      }
    }
    if (!"ecs".equals(body.path("resource_type").asText(null))) {
      return "resource_type must be ecs";
    }
    if (!body.path("use_index").isBoolean()) {
      return "use_index must be a boolean";
    }
    if (!body.path("labels").isArray()) {
      return "labels must be an array";
    }
    for (JsonNode m : body.get("labels")) {
      for (String field : iterable(m.fieldNames())) {
        if (!MATCHER_FIELDS.contains(field)) {
          return "unknown matcher field " + field;
        }
      }
      if (!m.path("key").isTextual()
          || !m.path("value").isTextual()
          || !m.path("type").isInt()
          || m.get("type").asInt() < 1
          || m.get("type").asInt() > 4) {
        return "bad matcher " + m;
      }
    }
    return null;
  }

  private static boolean matchesAll(JsonNode tags, JsonNode matchers) {
    for (JsonNode m : matchers) {
      String actual = tags.path(m.get("key").asText()).asText("");
      String value = m.get("value").asText();
      boolean ok =
          switch (m.get("type").asInt()) {
            case 1 -> actual.equals(value);
            case 2 -> !actual.equals(value);
            case 3 -> Pattern.compile(value).matcher(actual).matches();
            default -> !Pattern.compile(value).matcher(actual).matches();
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static MockResponse badRequest(String why) {
    return new MockResponse()
        .setResponseCode(400)
        .setBody("{\"code\":400,\"message\":\"" + why.replace("\"", "'") + "\"}");
  }

  private static <T> List<T> iterable(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}

package io.promeshard.agent.observe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.promeshard.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads, as streams, the two replies a sample measurement joins ({@link SampleJoin}): {@code
 * /api/v1/targets?state=active} and the instant query {@code
 * scrape_samples_post_metric_relabeling}. Fields relied on, identical in Prometheus 2.42, 2.53 and
 * 3.5: {@code data.activeTargets[].discoveredLabels.__meta_filepath} and {@code .__address__},
 * {@code .labels} and {@code .health}; {@code data.result[].metric} and {@code .value} ({@code
 * [<time>, "<number>"]}). A reply that is not {@code "status": "success"} or not valid JSON throws
 * IOException; every other field is skipped.
 */
final class SampleReplies {
  private SampleReplies() {}

  /** Feeds {@code join} the active targets of {@code files}. */
  static void targets(InputStream in, OwnFiles files, SampleJoin join) throws IOException {
    read(in, "activeTargets", p -> target(p, files, join), "targets");
  }

  /** Feeds {@code join} the series of a vector reply. */
  static void series(InputStream in, SampleJoin join) throws IOException {
    read(in, "result", p -> series(p, join), "query");
  }

  private interface Element {
    void read(JsonParser p) throws IOException;
  }

  private static void read(InputStream in, String array, Element element, String what)
      throws IOException {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
      boolean success =
          ApiReplies.reply(
              p,
              field -> {
                if (field.equals(array)) {
                  ApiReplies.eachObject(p, () -> element.read(p));
                  return true;
                }
                return false;
              });
      if (!success) {
        throw new IOException(what + " reply without \"status\": \"success\"");
      }
    }
  }

  private static void target(JsonParser p, OwnFiles files, SampleJoin join) throws IOException {
    String path = null;
    String address = null;
    Map<String, String> labels = null;
    boolean up = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("discoveredLabels") && value == JsonToken.START_OBJECT) {
        Map<String, String> discovered = labels(p);
        path = discovered.get("__meta_filepath");
        address = discovered.get("__address__");
      } else if (name.equals("labels") && value == JsonToken.START_OBJECT) {
        labels = labels(p);
      } else if (name.equals("health") && value == JsonToken.VALUE_STRING) {
        up = p.getText().equals("up");
      } else {
        p.skipChildren();
      }
    }
    String job = path == null || address == null || labels == null ? null : files.nameOf(path);
    if (job != null) {
      join.target(job + "/" + address, up, SampleJoin.labelSet(labels));
    }
  }

  private static void series(JsonParser p, SampleJoin join) throws IOException {
    Map<String, String> labels = null;
    double value = Double.NaN;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      if (name.equals("metric") && token == JsonToken.START_OBJECT) {
        labels = labels(p);
        labels.remove("__name__");
      } else if (name.equals("value") && token == JsonToken.START_ARRAY) {
        value = sampleValue(p);
      } else {
        p.skipChildren();
      }
    }
    if (labels != null) {
      join.series(SampleJoin.labelSet(labels), value);
    }
  }

  /** The string values of the object the parser is at (other values skipped). */
  private static Map<String, String> labels(JsonParser p) throws IOException {
    Map<String, String> out = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String label = p.currentName();
      if (p.nextToken() == JsonToken.VALUE_STRING) {
        out.put(label, p.getText());
      } else {
        p.skipChildren();
      }
    }
    return out;
  }

  /** The number of {@code [<time>, "<number>"]}; NaN when it is something else. */
  private static double sampleValue(JsonParser p) throws IOException {
    double value = Double.NaN;
    int i = 0;
    for (JsonToken t = p.nextToken();
        t != null && t != JsonToken.END_ARRAY;
        t = p.nextToken(), i++) {
      if (i == 1 && t == JsonToken.VALUE_STRING) {
        try {
          value = Double.parseDouble(p.getText());
        } catch (NumberFormatException e) {
          value = Double.NaN;
        }
      } else {
        p.skipChildren();
      }
    }
    return value;
  }
}

package io.promeshard.agent.observe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.promeshard.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/**
 * Reads Prometheus' {@code /api/v1/targets} and {@code /api/v1/rules} replies as a stream, one
 * element at a time, keeping only what concerns the agent's own files: a reply for 10,000 targets
 * is about 10 MB and is never held whole. Fields relied on, identical in Prometheus 2.42, 2.53 and
 * 3.5: {@code status}; {@code data.activeTargets[].discoveredLabels.__meta_filepath}, {@code
 * .__address__} and {@code data.activeTargets[].lastScrape}; {@code
 * data.droppedTargets[].discoveredLabels} (same two labels); {@code data.groups[].name}, {@code
 * .file} and {@code .lastEvaluation}. A reply that is not {@code "status": "success"} or not valid
 * JSON throws IOException; every other field is skipped.
 */
final class ApiReplies {
  /** What Go writes for a time that never happened ({@code time.Time{}}). */
  private static final int NEVER_YEAR = 1;

  private ApiReplies() {}

  /**
   * From a targets reply: job → address → the start of its last scrape ({@link FirstScrapes#NEVER}
   * when not scraped yet, {@link FirstScrapes#DROPPED} when dropped by relabeling), for targets
   * whose {@code __meta_filepath} is a file of {@code files} and that {@code wanted} (job, address)
   * keeps. A target listed more than once keeps its least scraped entry.
   */
  static Map<String, Map<String, Instant>> targets(
      InputStream in, OwnFiles files, BiPredicate<String, String> wanted) throws IOException {
    Map<String, Map<String, Instant>> out = new HashMap<>();
    try (JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
      boolean success =
          reply(
              p,
              field -> {
                if (field.equals("activeTargets") || field.equals("droppedTargets")) {
                  boolean dropped = field.equals("droppedTargets");
                  eachObject(p, () -> target(p, dropped, files, wanted, out));
                  return true;
                }
                return false;
              });
      if (!success) {
        throw new IOException("targets reply without \"status\": \"success\"");
      }
    }
    return out;
  }

  /**
   * From a rules reply: group → the start of its last evaluation ({@link FirstScrapes#NEVER} when
   * not evaluated yet), for groups whose file is the file {@code <group>} of {@code files}.
   */
  static Map<String, Instant> rules(InputStream in, OwnFiles files) throws IOException {
    Map<String, Instant> out = new TreeMap<>();
    try (JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
      boolean success =
          reply(
              p,
              field -> {
                if (field.equals("groups")) {
                  eachObject(p, () -> group(p, files, out));
                  return true;
                }
                return false;
              });
      if (!success) {
        throw new IOException("rules reply without \"status\": \"success\"");
      }
    }
    return out;
  }

  interface DataField {
    /** Reads the value of {@code field} of {@code data}; false to have it skipped. */
    boolean read(String field) throws IOException;
  }

  interface Step {
    void run() throws IOException;
  }

  /** Walks {@code {"status": ..., "data": {...}}}; true when the status was "success". */
  static boolean reply(JsonParser p, DataField data) throws IOException {
    expect(p, p.nextToken(), JsonToken.START_OBJECT);
    boolean success = false;
    String error = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("status")) {
        success = value == JsonToken.VALUE_STRING && p.getText().equals("success");
      } else if (name.equals("error") && value == JsonToken.VALUE_STRING) {
        error = p.getText();
      } else if (name.equals("data") && value == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          if (!data.read(field)) {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    if (!success && error != null) {
      throw new IOException("Prometheus answered with an error: " + error);
    }
    return success;
  }

  /** Runs {@code element} for each object of the array the parser is at (null: none). */
  static void eachObject(JsonParser p, Step element) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    expect(p, t, JsonToken.START_ARRAY);
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == JsonToken.START_OBJECT) {
        element.run();
      } else {
        p.skipChildren();
      }
    }
  }

  private static void target(
      JsonParser p,
      boolean dropped,
      OwnFiles files,
      BiPredicate<String, String> wanted,
      Map<String, Map<String, Instant>> out)
      throws IOException {
    String path = null;
    String address = null;
    Instant lastScrape = FirstScrapes.NEVER;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("discoveredLabels") && value == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String label = p.currentName();
          p.nextToken();
          if (label.equals("__meta_filepath")) {
            path = p.getValueAsString();
          } else if (label.equals("__address__")) {
            address = p.getValueAsString();
          } else {
            p.skipChildren();
          }
        }
      } else if (name.equals("lastScrape") && value == JsonToken.VALUE_STRING) {
        lastScrape = time(p.getText());
      } else {
        p.skipChildren();
      }
    }
    if (path == null || address == null) {
      return;
    }
    String job = files.nameOf(path);
    if (job == null || !wanted.test(job, address)) {
      return;
    }
    Instant seen = dropped ? FirstScrapes.DROPPED : lastScrape;
    out.computeIfAbsent(job, j -> new HashMap<>()).merge(address, seen, ApiReplies::earlier);
  }

  private static void group(JsonParser p, OwnFiles files, Map<String, Instant> out)
      throws IOException {
    String name = null;
    String file = null;
    Instant last = FirstScrapes.NEVER;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("name") && value == JsonToken.VALUE_STRING) {
        name = p.getText();
      } else if (field.equals("file") && value == JsonToken.VALUE_STRING) {
        file = p.getText();
      } else if (field.equals("lastEvaluation") && value == JsonToken.VALUE_STRING) {
        last = time(p.getText());
      } else {
        p.skipChildren();
      }
    }
    if (name != null && name.equals(files.nameOf(file))) {
      out.merge(name, last, ApiReplies::earlier);
    }
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** An RFC 3339 time as Go writes it (nanoseconds, any offset); year 1 means never. */
  static Instant time(String text) throws IOException {
    try {
      OffsetDateTime t = OffsetDateTime.parse(text);
      return t.getYear() <= NEVER_YEAR ? FirstScrapes.NEVER : t.toInstant();
    } catch (DateTimeParseException e) {
      throw new IOException("not an RFC 3339 time: \"" + text + "\"", e);
    }
  }

  static void expect(JsonParser p, JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException(
          "expected " + expected + " but found " + actual + " at " + p.currentLocation());
    }
  }
}

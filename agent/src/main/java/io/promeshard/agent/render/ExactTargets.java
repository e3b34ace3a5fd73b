package io.promeshard.agent.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Whether rendered file_sd output is exactly the expected target groups in the expected form: one
 * JSON list, each group an object with {@code targets} (the addresses, in order) and {@code labels}
 * (the labels in their sorted order; absent only when there are none), nothing else, and no
 * trailing tokens. Compared token by token as the parser reads them, without building a tree or a
 * string per value: the common case of {@link OutputCheck#targets} at a fraction of its cost. A
 * false answer proves nothing (a template may order labels differently); the full check decides
 * then and names the problem.
 */
final class ExactTargets {
  private ExactTargets() {}

  /**
   * True only if {@code output} parsed by {@code json} (a factory that rejects duplicate keys)
   * holds exactly {@code expected}.
   */
  static boolean match(JsonFactory json, RenderedBytes output, List<TargetGroup> expected) {
    try (JsonParser p = json.createParser(output.open())) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        return false;
      }
      for (TargetGroup g : expected) {
        if (!group(p, g)) {
          return false;
        }
      }
      return p.nextToken() == JsonToken.END_ARRAY && p.nextToken() == null;
    } catch (IOException e) {
      return false; // not valid JSON: the full check says where
    }
  }

  private static boolean group(JsonParser p, TargetGroup g) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    boolean targets = false;
    boolean labels = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      if (field.equals("targets") && !targets) {
        targets = addresses(p, g.targets());
        if (!targets) {
          return false;
        }
      } else if (field.equals("labels") && !labels) {
        labels = labels(p, g.labels());
        if (!labels) {
          return false;
        }
      } else {
        return false;
      }
    }
    return p.currentToken() == JsonToken.END_OBJECT && targets && (labels || g.labels().isEmpty());
  }

  private static boolean addresses(JsonParser p, List<String> expected) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      return false;
    }
    for (String address : expected) {
      if (p.nextToken() != JsonToken.VALUE_STRING || !textIs(p, address)) {
        return false;
      }
    }
    return p.nextToken() == JsonToken.END_ARRAY;
  }

  private static boolean labels(JsonParser p, Map<String, String> expected) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    for (Iterator<Map.Entry<String, String>> it = expected.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, String> e = it.next();
      if (p.nextToken() != JsonToken.FIELD_NAME
          || !textIs(p, e.getKey())
          || p.nextToken() != JsonToken.VALUE_STRING
          || !textIs(p, e.getValue())) {
        return false;
      }
    }
    return p.nextToken() == JsonToken.END_OBJECT;
  }

  /** Whether the current token's text is {@code s}, compared in the parser's own buffer. */
  private static boolean textIs(JsonParser p, String s) throws IOException {
    int n = p.getTextLength();
    if (n != s.length()) {
      return false;
    }
    char[] chars = p.getTextCharacters();
    int off = p.getTextOffset();
    for (int i = 0; i < n; i++) {
      if (chars[off + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}

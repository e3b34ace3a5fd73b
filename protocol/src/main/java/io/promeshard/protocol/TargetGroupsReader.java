package io.promeshard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a share part's target groups in the form prome-shard writes them (a list of objects with a
 * {@code labels} object of strings and a non-empty {@code targets} list of strings, in either
 * order), straight from the parser's tokens into {@link TargetGroup}s with {@link LabelMap} labels:
 * no data-binding, no map per group. Label values are shared within one read, as {@link
 * PooledStrings} shares them. Anything else (unknown or repeated fields, nulls, numbers, a group
 * its constructor would refuse, invalid JSON) makes it answer null, and the caller decodes with
 * Jackson's data-binding, which has the final word and the error messages.
 */
final class TargetGroupsReader {
  private final Map<String, String> pool = new HashMap<>();
  private final List<String> targets = new ArrayList<>();
  private final List<String> pairs = new ArrayList<>();

  private TargetGroupsReader() {}

  /** The groups {@code json} holds, or null when it is not in the plain form. */
  static List<TargetGroup> read(JsonFactory factory, byte[] json) {
    try (JsonParser p = factory.createParser(json)) {
      return new TargetGroupsReader().list(p);
    } catch (IOException e) {
      return null;
    }
  }

  private List<TargetGroup> list(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      return null;
    }
    List<TargetGroup> out = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
      TargetGroup g = group(p);
      if (g == null) {
        return null;
      }
      out.add(g);
    }
    return t == JsonToken.END_ARRAY && p.nextToken() == null ? List.copyOf(out) : null;
  }

  /** One group, the parser on its START_OBJECT. */
  private TargetGroup group(JsonParser p) throws IOException {
    targets.clear();
    pairs.clear();
    boolean sawTargets = false;
    boolean sawLabels = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      if (field.equals("targets") && !sawTargets) {
        sawTargets = true;
        if (!addresses(p)) {
          return null;
        }
      } else if (field.equals("labels") && !sawLabels) {
        sawLabels = true;
        if (!labels(p)) {
          return null;
        }
      } else {
        return null;
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT || targets.isEmpty()) {
      return null;
    }
    LabelMap labels = LabelMap.ofPairs(pairs.toArray(new String[0]));
    return labels == null ? null : new TargetGroup(List.copyOf(targets), labels);
  }

  private boolean addresses(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      return false;
    }
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
      String address = p.getText();
      if (address.isBlank()) {
        return false;
      }
      targets.add(address);
    }
    return t == JsonToken.END_ARRAY;
  }

  private boolean labels(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (name.isEmpty() || p.nextToken() != JsonToken.VALUE_STRING) {
        return false;
      }
      String value = p.getText();
      String shared = pool.putIfAbsent(value, value);
      pairs.add(name);
      pairs.add(shared == null ? value : shared);
    }
    return p.currentToken() == JsonToken.END_OBJECT;
  }
}

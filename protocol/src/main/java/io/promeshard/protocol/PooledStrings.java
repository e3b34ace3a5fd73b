package io.promeshard.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes strings as Jackson's own deserializer does, then returns one shared instance per distinct
 * value within one decode call (the pool lives in that call's attributes and goes with it). Label
 * values repeat across thousands of targets of a part ({@code env="prod"}); sharing them keeps a
 * decoded share near the size of its JSON.
 */
final class PooledStrings extends StdDeserializer<String> {
  private static final long serialVersionUID = 1L;
  private static final Object POOL = PooledStrings.class;

  PooledStrings() {
    super(String.class);
  }

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    String s = StringDeserializer.instance.deserialize(p, ctxt);
    if (s == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, String> pool = (Map<String, String>) ctxt.getAttribute(POOL);
    if (pool == null) {
      pool = new HashMap<>();
      ctxt.setAttribute(POOL, pool);
    }
    String shared = pool.putIfAbsent(s, s);
    return shared == null ? s : shared;
  }
}

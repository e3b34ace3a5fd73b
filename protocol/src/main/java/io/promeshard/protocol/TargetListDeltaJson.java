package io.promeshard.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON of a job's {@link ListDelta} in a delta part: as the record's fields, except that an
 * added target group of one address and no labels of its own (a moved target whose labels {@code
 * like} names) is written as the bare address, {@code "10.0.0.1:9100"} rather than {@code
 * {"labels":{},"targets":["10.0.0.1:9100"]}}: most of what a membership change writes is such
 * targets. Unknown fields are ignored, as everywhere on the wire.
 */
final class TargetListDeltaJson {
  private TargetListDeltaJson() {}

  /** Writes fields in alphabetical order, empty ones left out, like every other payload. */
  static final class Serializer extends StdSerializer<ListDelta<TargetGroup>> {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("unchecked")
    Serializer() {
      super((Class<ListDelta<TargetGroup>>) (Class<?>) ListDelta.class);
    }

    @Override
    public void serialize(ListDelta<TargetGroup> d, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartObject();
      if (!d.add().isEmpty()) {
        gen.writeArrayFieldStart("add");
        for (TargetGroup g : d.add()) {
          if (g.targets().size() == 1 && g.labels().isEmpty()) {
            gen.writeString(g.targets().get(0));
          } else {
            provider.defaultSerializeValue(g, gen);
          }
        }
        gen.writeEndArray();
      }
      numbers(gen, "at", d.at());
      numbers(gen, "like", d.like());
      numbers(gen, "remove", d.remove());
      gen.writeEndObject();
    }

    private static void numbers(JsonGenerator gen, String field, List<Integer> values)
        throws IOException {
      if (!values.isEmpty()) {
        gen.writeArrayFieldStart(field);
        for (int v : values) {
          gen.writeNumber(v);
        }
        gen.writeEndArray();
      }
    }
  }

  /** Reads what {@link Serializer} writes; a bare address is a group of one without labels. */
  static final class Deserializer extends StdDeserializer<ListDelta<TargetGroup>> {
    private static final long serialVersionUID = 1L;

    Deserializer() {
      super(ListDelta.class);
    }

    @Override
    public ListDelta<TargetGroup> deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      JsonNode node = ctxt.readTree(p);
      if (node == null || !node.isObject()) {
        throw new ProtocolException("delta: a job's changes must be an object");
      }
      List<TargetGroup> add = new ArrayList<>();
      for (JsonNode g : array(node, "add")) {
        add.add(
            g.isTextual()
                ? TargetGroup.of(g.textValue(), Map.of())
                : ctxt.readTreeAsValue(g, TargetGroup.class));
      }
      return new ListDelta<>(
          numbers(node, "remove"), numbers(node, "at"), add, numbers(node, "like"));
    }

    private static JsonNode array(JsonNode node, String field) {
      JsonNode a = node.path(field);
      if (!a.isMissingNode() && !a.isArray()) {
        throw new ProtocolException("delta: \"" + field + "\" must be an array");
      }
      return a;
    }

    private static List<Integer> numbers(JsonNode node, String field) {
      List<Integer> out = new ArrayList<>();
      for (JsonNode n : array(node, field)) {
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
          throw new ProtocolException("delta: \"" + field + "\" must hold integers, found " + n);
        }
        out.add(n.intValue());
      }
      return out;
    }
  }
}

package io.promeshard.coordinator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.List;

/**
 * Refuses, as an unknown field, a JSON field named like a record component that is derived from
 * other fields (e.g. {@link Settings#recordsImport()}): operator configuration has no such key.
 */
final class DerivedField extends JsonDeserializer<Object> {
  @Override
  public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    throw UnrecognizedPropertyException.from(p, Settings.class, p.currentName(), List.of());
  }
}

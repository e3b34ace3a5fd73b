package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps the {@code "type"} field of a source object to its spec record and back; an unknown type is
 * an error naming the field, the value and the known types.
 */
final class SourceTypeResolver extends TypeIdResolverBase {
  private static final Map<String, Class<? extends SourceSpec>> TYPES =
      new TreeMap<>(
          Map.of(
              StaticSourceSpec.TYPE, StaticSourceSpec.class,
              FileSourceSpec.TYPE, FileSourceSpec.class,
              HttpSdSourceSpec.TYPE, HttpSdSourceSpec.class,
              ConsulSourceSpec.TYPE, ConsulSourceSpec.class,
              ServiceTreeSourceSpec.TYPE, ServiceTreeSourceSpec.class));

  @Override
  public String idFromValue(Object value) {
    return ((SourceSpec) value).type();
  }

  @Override
  public String idFromValueAndType(Object value, Class<?> suggestedType) {
    return idFromValue(value);
  }

  @Override
  public JavaType typeFromId(DatabindContext context, String id) throws IOException {
    Class<? extends SourceSpec> type = TYPES.get(id);
    if (type == null) {
      throw InvalidTypeIdException.from(
          null,
          "type: unknown source type "
              + SpecChecks.quote(id)
              + " (expected one of "
              + String.join(", ", TYPES.keySet())
              + ")",
          context.constructType(SourceSpec.class),
          id);
    }
    return context.constructSpecializedType(context.constructType(SourceSpec.class), type);
  }

  @Override
  public String getDescForKnownTypeIds() {
    return String.join(", ", TYPES.keySet());
  }

  @Override
  public JsonTypeInfo.Id getMechanism() {
    return JsonTypeInfo.Id.CUSTOM;
  }
}

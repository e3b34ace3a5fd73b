package io.promeshard.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads the YAML configuration files of the agent and the coordinator into records, strictly: an
 * unknown key or a bad value is a {@link ProtocolException} naming the file and the key.
 */
public final class ConfigFiles {
  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .addModule(Json.durations())
          .build();

  private ConfigFiles() {}

  /** Reads {@code file}; an empty file yields {@code empty}. */
  public static <T> T load(Path file, Class<T> type, T empty) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ProtocolException(file + ": no such file");
    } catch (IOException e) {
      throw new ProtocolException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(file.toString(), bytes, type, empty);
  }

  public static <T> T parse(String where, byte[] yaml, Class<T> type, T empty) {
    if (new String(yaml, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return empty;
    }
    try {
      T value = YAML.readValue(yaml, type);
      return value == null ? empty : value;
    } catch (IOException e) {
      throw Json.error(where, e);
    }
  }
}

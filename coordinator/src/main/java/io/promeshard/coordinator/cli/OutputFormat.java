package io.promeshard.coordinator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.promeshard.protocol.Json;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import picocli.CommandLine.Option;

/**
 * {@code --output text|json}: how {@code plan}, {@code explain} and {@code status} print their
 * answer. JSON is one document on stdout with snake_case field names, for scripts; text is for
 * people and may change between versions.
 */
public final class OutputFormat {
  /** The formats. */
  public enum Format {
    text,
    json
  }

  private static final ObjectWriter JSON =
      Json.MAPPER
          .copy()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writer();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "Print the answer as ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Format format = Format.text;

  boolean json() {
    return format == Format.json;
  }

  /** Prints {@code value} as one indented JSON document and a newline. */
  static void print(PrintStream out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

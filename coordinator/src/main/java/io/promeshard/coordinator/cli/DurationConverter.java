package io.promeshard.coordinator.cli;

import io.promeshard.protocol.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads flags such as {@code 30s} or {@code 2m} with the same syntax as the config files. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse("duration", value);
    } catch (RuntimeException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}

package io.promeshard.coordinator.config;

import io.promeshard.protocol.ProtocolException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Prometheus file_sd files (JSON, or YAML for {@code .yml}/{@code .yaml}): {@code
 * {"type":"file","files":["/etc/prometheus/targets/*.json"],"refresh":"30s"}}. Each entry is an
 * absolute path whose last segment may be a glob ({@code *}, {@code ?}, {@code [..]}, <code>{a,b}
 * </code>); anything else is a {@link ProtocolException} naming the entry.
 */
public record FileSourceSpec(List<String> files, Duration refresh) implements SourceSpec {
  public static final String TYPE = "file";

  public FileSourceSpec {
    files = SpecChecks.list("files", files);
    if (files.isEmpty()) {
      throw new ProtocolException("files: a file source needs at least one path or pattern");
    }
    for (String f : files) {
      check(f);
    }
    refresh = SpecChecks.refresh(refresh);
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** True when {@code s} holds glob syntax. */
  public static boolean isGlob(String s) {
    return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  private static void check(String file) {
    String bad = "files: " + SpecChecks.quote(file) + ": ";
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new ProtocolException(bad + "invalid path (" + e.getReason() + ")", e);
    }
    if (!path.isAbsolute() || path.getFileName() == null) {
      throw new ProtocolException(bad + "expected an absolute file path or pattern");
    }
    if (isGlob(path.getParent().toString())) {
      throw new ProtocolException(bad + "only the last path segment may be a pattern");
    }
    String name = path.getFileName().toString();
    if (!(name.endsWith(".json") || name.endsWith(".yml") || name.endsWith(".yaml"))) {
      throw new ProtocolException(bad + "expected a name ending in .json, .yml or .yaml");
    }
  }
}

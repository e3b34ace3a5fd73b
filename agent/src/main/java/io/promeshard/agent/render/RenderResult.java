package io.promeshard.agent.render;

import io.promeshard.protocol.Names;
import java.util.Objects;

/**
 * One rendered and verified output file: what it is for (a job's targets or scrape config, or a
 * rule group), its content, how many targets or rules it holds and its sha256. Invalid arguments
 * throw IllegalArgumentException or, for a bad name, ProtocolException.
 */
public record RenderResult(OutputKind kind, String name, RenderedBytes content, int count) {
  public RenderResult {
    Objects.requireNonNull(kind, "kind");
    Names.require(kind.owner(), name);
    Objects.requireNonNull(content, "content");
    if (count < 0) {
      throw new IllegalArgumentException("render result " + name + ": negative count " + count);
    }
  }

  /** A result holding a copy of {@code bytes}. */
  public static RenderResult of(OutputKind kind, String name, byte[] bytes, int count) {
    return new RenderResult(kind, name, RenderedBytes.of(bytes), count);
  }

  /** The content in a new array; large outputs are better streamed from {@link #content()}. */
  public byte[] bytes() {
    return content.toArray();
  }

  /** Lowercase hex sha256 of the content. */
  public String sha256() {
    return content.sha256();
  }

  /**
   * The file name in its directory: {@code <job>.json}, {@code <group>.yml} or {@code <job>.yml}.
   */
  public String fileName() {
    return name + kind.extension();
  }

  @Override
  public String toString() {
    return kind.dir()
        + "/"
        + fileName()
        + " ("
        + count
        + " "
        + kind.unit()
        + ", "
        + content.size()
        + " bytes, sha256 "
        + content.sha256()
        + ")";
  }
}

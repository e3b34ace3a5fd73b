package io.promeshard.agent.render;

import io.promeshard.protocol.Checksums;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.PartKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * One rendered and verified output file: what it is for (a job's targets or a rule group), its
 * bytes, how many targets or rules it holds and their sha256. Invalid arguments throw
 * IllegalArgumentException or, for a bad name, ProtocolException.
 */
@SuppressWarnings(
    "ArrayRecordComponent") // the array is copied in, and equals/hashCode compare it by content
public record RenderResult(PartKey.Kind kind, String name, byte[] bytes, int count, String sha256) {
  public RenderResult {
    Objects.requireNonNull(kind, "kind");
    Names.require(kind == PartKey.Kind.TARGETS ? "job" : "rule group", name);
    Objects.requireNonNull(bytes, "bytes");
    if (count < 0) {
      throw new IllegalArgumentException("render result " + name + ": negative count " + count);
    }
    bytes = bytes.clone();
    if (!Checksums.sha256Hex(bytes).equals(sha256)) {
      throw new IllegalArgumentException(
          "render result " + name + ": sha256 " + sha256 + " does not match its bytes");
    }
  }

  /** A result whose sha256 is computed from {@code bytes}. */
  public static RenderResult of(PartKey.Kind kind, String name, byte[] bytes, int count) {
    return new RenderResult(kind, name, bytes, count, Checksums.sha256Hex(bytes));
  }

  /** The file name in its directory: {@code <job>.json} or {@code <group>.yml}. */
  public String fileName() {
    return name + extension(kind);
  }

  /** The extension the agent gives files of this kind. */
  public static String extension(PartKey.Kind kind) {
    return kind == PartKey.Kind.TARGETS ? ".json" : ".yml";
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RenderResult r
        && kind == r.kind
        && name.equals(r.name)
        && count == r.count
        && Arrays.equals(bytes, r.bytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, count, sha256);
  }

  @Override
  public String toString() {
    return kind.dir()
        + "/"
        + fileName()
        + " ("
        + count
        + (kind == PartKey.Kind.TARGETS ? " targets" : " rules")
        + ", "
        + bytes.length
        + " bytes, sha256 "
        + sha256
        + ")";
  }
}

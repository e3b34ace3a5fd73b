package io.promeshard.protocol;

/**
 * A part of a node's share, named relative to {@code nodes/<node>/}: {@code targets/<job>}, {@code
 * targets/<job>/<chunk>}, {@code rules/<group>} or {@code rules/<group>/<chunk>} (base parts), or
 * {@code delta/<generation>} (a {@link ShareDelta} applied on top of the base parts in generation
 * order). Chunk numbers start at 0 and are contiguous; a part without a chunk number is a single
 * chunk.
 */
public record PartKey(Kind kind, String name, int chunk) implements Comparable<PartKey> {
  /** What a part holds; {@code dir} is its first path segment. */
  public enum Kind {
    TARGETS("targets"),
    RULES("rules"),
    DELTA("delta");

    private final String dir;

    Kind(String dir) {
      this.dir = dir;
    }

    public String dir() {
      return dir;
    }
  }

  public static final int SINGLE = -1;
  private static final int MAX_CHUNKS = 100_000;

  public PartKey {
    if (kind == null) {
      throw new ProtocolException("part: kind is required");
    }
    if (kind == Kind.DELTA) {
      if (name == null || !name.matches("[1-9][0-9]{0,17}") || chunk != SINGLE) {
        throw new ProtocolException("part: invalid delta key delta/" + Names.quote(name));
      }
    } else {
      Names.require(kind == Kind.TARGETS ? "job" : "rule group", name);
    }
    if (chunk < SINGLE || chunk >= MAX_CHUNKS) {
      throw new ProtocolException("part " + kind.dir + "/" + name + ": invalid chunk " + chunk);
    }
  }

  public static PartKey single(Kind kind, String name) {
    return new PartKey(kind, name, SINGLE);
  }

  public static PartKey parse(String relative) {
    String[] seg = relative == null ? new String[0] : relative.split("/", -1);
    if (seg.length < 2 || seg.length > 3) {
      throw new ProtocolException("part: invalid key " + Names.quote(relative));
    }
    Kind kind =
        switch (seg[0]) {
          case "targets" -> Kind.TARGETS;
          case "rules" -> Kind.RULES;
          case "delta" -> Kind.DELTA;
          default ->
              throw new ProtocolException("part: unknown kind in key " + Names.quote(relative));
        };
    int chunk = SINGLE;
    if (seg.length == 3) {
      if (!seg[2].matches("0|[1-9][0-9]{0,4}")) {
        throw new ProtocolException("part: invalid chunk number in key " + Names.quote(relative));
      }
      chunk = Integer.parseInt(seg[2]);
    }
    return new PartKey(kind, seg[1], chunk);
  }

  /** The delta part for the manifest of {@code generation}. */
  public static PartKey delta(long generation) {
    return new PartKey(Kind.DELTA, Long.toString(generation), SINGLE);
  }

  /** A base part (targets or rules), as opposed to a delta. */
  public boolean base() {
    return kind != Kind.DELTA;
  }

  public boolean chunked() {
    return chunk != SINGLE;
  }

  /** The key relative to the node directory, as listed in the manifest. */
  @Override
  public String toString() {
    return kind.dir + "/" + name + (chunked() ? "/" + chunk : "");
  }

  @Override
  public int compareTo(PartKey o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) {
      // deltas apply in generation order: compare their numbers, not their digits
      c =
          kind == Kind.DELTA
              ? Long.compare(Long.parseLong(name), Long.parseLong(o.name))
              : name.compareTo(o.name);
    }
    return c != 0 ? c : Integer.compare(chunk, o.chunk);
  }
}

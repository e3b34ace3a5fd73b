package io.promeshard.protocol;

import java.util.List;

/** A snapshot whose manifest lists parts that are absent or differ: it must not be applied. */
public class IncompleteSnapshotException extends ProtocolException {
  private static final long serialVersionUID = 1L;
  private final long generation;
  private final List<String> problems;

  public IncompleteSnapshotException(long generation, List<String> problems) {
    super("generation " + generation + " incomplete: " + String.join(", ", problems));
    this.generation = generation;
    this.problems = List.copyOf(problems);
  }

  public long generation() {
    return generation;
  }

  public List<String> problems() {
    return problems;
  }
}

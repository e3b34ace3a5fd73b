package io.promeshard.agent.watch;

import io.promeshard.protocol.NodeManifest;
import io.promeshard.protocol.NodeShare;
import java.util.List;
import java.util.Objects;

/**
 * What one read of {@code nodes/<node>/} holds: no manifest yet, a manifest whose parts are not all
 * there yet (normal between the coordinator's part writes and its manifest write), a complete share
 * ready to apply, a share too large for this agent's heap, or data that breaks the protocol. Only
 * {@link Complete} is ever applied.
 */
public sealed interface Snapshot {
  /** Nothing has been published for this node. */
  record NoManifest() implements Snapshot {}

  /** The manifest lists parts that are missing or differ: keep what was applied last. */
  record Incomplete(long generation, List<String> problems) implements Snapshot {
    public Incomplete {
      problems = List.copyOf(problems);
    }
  }

  /**
   * Every listed part is present with its checksum: {@code share} is generation {@code
   * manifest.generation()}.
   */
  record Complete(NodeManifest manifest, NodeShare share) implements Snapshot {
    public Complete {
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(share, "share");
    }

    public long generation() {
      return manifest.generation();
    }
  }

  /**
   * The share is larger than this agent's heap can apply ({@link ShareBudget}): nothing of it was
   * kept or decoded; {@code error} names the size, the limit and the setting to raise.
   */
  record TooLarge(long replyBytes, long limitBytes, String error) implements Snapshot {
    public TooLarge {
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * A manifest or part that cannot be decoded or breaks the contract (a bad name, a broken chunk
   * sequence).
   */
  record Malformed(String error) implements Snapshot {
    public Malformed {
      Objects.requireNonNull(error, "error");
    }
  }
}

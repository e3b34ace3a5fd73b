package io.promeshard.agent.watch;

import io.promeshard.protocol.NodeManifest;
import java.util.Optional;

/**
 * Notices a manifest older than one seen before: a lower epoch or a lower generation. The
 * coordinator never writes one (each manifest is numbered above what is stored and what this agent
 * reports applying), so one means the KV store went back: a snapshot restored, or this node's keys
 * and status deleted by hand.
 *
 * <p>The agent applies it anyway, loudly. The KV directory is the truth, and only the current
 * leader, fenced by its lock session, writes it; refusing older numbers could strand this node on a
 * share nobody publishes any more, ignoring every later change until the numbers caught up: targets
 * lost without a sound. Applying costs at most one stale share, until the coordinator's next
 * dispatch numbers above it. Not thread-safe: the watch thread owns it.
 */
public final class ManifestOrder {
  private long epoch = -1;
  private long generation = -1;

  /**
   * Records {@code manifest} as seen; when it is older than one seen before, says how (for the
   * log).
   */
  public Optional<String> see(NodeManifest manifest) {
    Optional<String> regression = Optional.empty();
    if (manifest.epoch() < epoch || manifest.generation() < generation) {
      regression =
          Optional.of(
              "manifest epoch "
                  + manifest.epoch()
                  + " generation "
                  + manifest.generation()
                  + " is older than epoch "
                  + epoch
                  + " generation "
                  + generation
                  + " seen before (KV restored, or keys deleted by hand?); applying it, as the"
                  + " KV directory is the truth");
    }
    epoch = manifest.epoch();
    generation = manifest.generation();
    return regression;
  }
}

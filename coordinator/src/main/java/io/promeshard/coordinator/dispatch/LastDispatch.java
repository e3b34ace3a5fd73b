package io.promeshard.coordinator.dispatch;

import io.promeshard.coordinator.config.Settings;
import io.promeshard.coordinator.publish.StoredNode;
import io.promeshard.protocol.TargetGroup;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the last dispatch that went through decided from and produced, so that a dispatch whose
 * input is the same (an equivalent settings edit, a resync that found Consul as written, a burst
 * that cancelled out) reuses its shares instead of sharding, building, guarding and encoding 100k
 * targets again to find that nothing changed. Sharding and share building are pure, so the same
 * input and previous assignment give the same shares; publishing them again over what that dispatch
 * left in Consul writes nothing. Owned by the dispatcher thread.
 *
 * <p>Reused only when nothing else could make a difference: the previous assignments and the
 * published state are the very values that dispatch left (a new term, a read of Consul or a failed
 * write replaces them), no handover is in progress (agents' reports may end one), nothing is held,
 * and the previous assignments were not inferred from Consul.
 */
final class LastDispatch {
  private final DispatchInput input;
  private final DispatchOutput output;
  private final Map<String, StoredNode> after;

  LastDispatch(DispatchInput input, DispatchOutput output, Map<String, StoredNode> after) {
    this.input = input;
    this.output = output;
    this.after = after;
  }

  /** The last output, if dispatching {@code d} from {@code s} would produce exactly it. */
  DispatchOutput reusableFor(DispatchState s, DispatchDecision.Dispatch d) {
    boolean sameContext =
        !d.inferred()
            && d.previous() == output.assignments()
            && isPublished(s)
            && s.handovers().isEmpty()
            && s.hold() == null;
    return sameContext && sameInput(d.input(), input) ? output : null;
  }

  /** Whether Consul holds, as far as this process knows, exactly what this dispatch published. */
  boolean isPublished(DispatchState s) {
    return s.published() != null && s.published().nodes() == after;
  }

  /**
   * The removal guard for proposing the targets of {@code proposed} over what this dispatch
   * published (see {@link #isPublished}): jobs whose target list did not change are not looked at.
   */
  Optional<Hold> guard(DispatchInput proposed, Settings settings) {
    return DispatchGuard.checkInputs(
        input.targets(), output.targets(), proposed.targets(), settings);
  }

  /**
   * Equal inputs; each job's target list is compared by identity first (the sources hand the same
   * list on until it changes), then element by element.
   */
  static boolean sameInput(DispatchInput a, DispatchInput b) {
    if (!a.settings().equals(b.settings())
        || !a.jobs().equals(b.jobs())
        || !a.members().equals(b.members())
        || !a.records().equals(b.records())
        || !a.targets().keySet().equals(b.targets().keySet())) {
      return false;
    }
    for (Map.Entry<String, List<TargetGroup>> e : a.targets().entrySet()) {
      List<TargetGroup> other = b.targets().get(e.getKey());
      if (e.getValue() != other && !Objects.equals(e.getValue(), other)) {
        return false;
      }
    }
    return true;
  }
}

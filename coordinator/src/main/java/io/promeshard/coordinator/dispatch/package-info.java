/**
 * Dispatch: from the latest inputs to per-node shares, and the one loop that publishes them.
 *
 * <p><b>State.</b> {@link io.promeshard.coordinator.dispatch.DispatchState} is one immutable value
 * holding everything a dispatch decides from: configuration, records, members, targets, the
 * leadership term, what is published in Consul, the last dispatch's assignments and outcome, and
 * when the next dispatch and the next read of Consul are due. Input handlers turn one value into
 * the next; the {@link io.promeshard.coordinator.dispatch.Dispatcher} thread alone applies them and
 * publishes the result, which health checks and status read from any thread.
 *
 * <p><b>Decision.</b> {@link io.promeshard.coordinator.dispatch.DispatchDecision#decide} is pure
 * (state and time in, decision out):
 *
 * <ul>
 *   <li>nothing runs before configuration, records, membership, the lock and a read of what is
 *       published are all in (a dry run needs no lock);
 *   <li>no healthy member: publish nothing, keep the last assignment, report the problem;
 *   <li>cold start: the first dispatch of a leader with nothing published waits, at most {@code
 *       startup_grace + flap_hold}, for registered servers whose checks have not passed and for
 *       servers waiting out {@code flap_hold} to join, so every target is placed once;
 *   <li>incomplete sources: a job whose sources have not all answered waits up to {@code
 *       startup_grace} after start, then keeps its last known targets (stale beats partial);
 *   <li>takeover: the first dispatch of a term continues from the assignments rebuilt from what is
 *       published, so a new leader moves nothing; losing the lock forgets this term's view.
 * </ul>
 *
 * <p><b>Schedule.</b> Input schedules a dispatch one {@code debounce} later (a burst coalesces, and
 * a dispatch parked by a wait or a retry is pulled in); a failed read or publish retries with
 * capped exponential backoff, and a failed publish first reads Consul again (the batches before the
 * failure may have committed: planning from the old view would give a committed generation number
 * to other content); every {@code resync_interval} the leader reads Consul again.
 *
 * <p><b>Cost.</b> A dispatch whose input equals the last one's (an equivalent settings edit, a
 * burst that cancelled out) reuses that dispatch's shares while Consul holds what it wrote: no
 * sharding, no guard, no encoding, nothing written ({@link
 * io.promeshard.coordinator.dispatch.LastDispatch}). Otherwise the sharding items are reused per
 * group of jobs whose target lists did not change ({@link
 * io.promeshard.coordinator.dispatch.TargetItems}), and the removal guard looks only at the jobs
 * whose target list changed since what is published. Each phase (decide, shares, guard, plan,
 * write) is timed: a DEBUG line per dispatch and {@code
 * prome_shard_dispatch_phase_duration_seconds}.
 *
 * <p><b>Load.</b> With {@code load_aware}, each dispatch reads the agents' latest samples ({@link
 * io.promeshard.coordinator.load.ObservedLoad}), updates the load model and places targets at their
 * effective costs ({@link io.promeshard.coordinator.dispatch.LoadPlacement}); cost changes are
 * adopted within {@code max_load_moves_per_hour} and the rest deferred. The model and the budget
 * live in the dispatcher ({@link io.promeshard.coordinator.dispatch.LoadTracker}) and change only
 * when a dispatch is published; such dispatches never reuse the last output, since samples change
 * while the input does not.
 *
 * <p>{@link io.promeshard.coordinator.dispatch.ShareBuilder} turns a decided input into shares
 * (pure). The I/O edge is {@code publish/}, which the dispatcher drives and which knows nothing of
 * this package.
 */
package io.promeshard.coordinator.dispatch;

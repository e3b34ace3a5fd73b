/**
 * Publish: the coordinator's Consul edge for shares. {@link
 * io.promeshard.coordinator.publish.PublishPlanner} computes the incremental writes (pure): in the
 * compact layout (setting {@code share_encoding}) a changed node gets one gzip delta part over its
 * gzip base parts, chained to its previous delta by checksum, and a manifest listing only the base
 * parts and that delta; a new base past the compaction thresholds. So a join or leave writes about
 * what moved (at 100,000 targets over 50 nodes a join wrote 4.2 % of a full publish, a leave 0.9 to
 * 3.8 %); {@link io.promeshard.coordinator.publish.Publisher} writes them fenced, parts first and
 * each node's manifest last, and reads back what is stored; {@link
 * io.promeshard.coordinator.publish.StoredShares} and {@link
 * io.promeshard.coordinator.publish.PreviousAssignments} turn that read into the shares and
 * assignments a new leader continues from, grouped as {@link
 * io.promeshard.coordinator.publish.ShareGroups} names them; {@link
 * io.promeshard.coordinator.publish.StatusWriter} writes {@code status/coordinator}. Nothing here
 * imports {@code dispatch/}, which drives this package.
 */
package io.promeshard.coordinator.publish;

/**
 * Membership: which Prometheus servers get targets. {@link
 * io.promeshard.coordinator.membership.MembershipWatcher} reads the health of {@code node_service}
 * with blocking queries; {@link io.promeshard.coordinator.membership.NodeHealthFetcher} turns one
 * reply into a {@link io.promeshard.coordinator.membership.HealthSnapshot} under a {@link
 * io.promeshard.coordinator.membership.MemberPolicy}; {@link
 * io.promeshard.coordinator.membership.FlapFilter} holds joins and leaves for {@code flap_hold}.
 *
 * <p>Who may speak for a node name. The node name is the service ID, and Consul 1.8 ACLs cannot
 * restrict service IDs (service rules go by name), so any agent token can register any name. With
 * {@code node_binding: consul_node} a registration counts only on the Consul node of the same name,
 * which only that host's Consul agent token can create; {@code max_weight} caps the capacity a
 * registration claims.
 *
 * <p>Two live hosts with one name (both registrations pass their checks on different Consul nodes):
 * the name is drained at once and reported (ERROR log naming both Consul nodes and addresses,
 * {@code node_conflicts} in {@code status/coordinator}, {@code prome_shard_node_name_conflicts}).
 * Keeping the first registration instead would double targets silently: both hosts' agents read the
 * same {@code nodes/<name>/} prefix and the coordinator cannot tell them apart, so both would
 * scrape the share. Drained, the name gets an empty share (both hosts drop its files) and its
 * targets go to the other nodes: nothing is scraped twice and nothing is lost while another node is
 * healthy. When only one registration is left the name rejoins after {@code flap_hold}. A
 * registration whose checks fail is no conflict (its Prometheus is not scraping); the name then
 * counts at its best state, as before.
 */
package io.promeshard.coordinator.membership;

/**
 * The automatic import of heavy queries: the active coordinator, when {@code records_auto_import}
 * is on, reads every agent's slow-query report ({@code reports/<node>/queries}) every {@code
 * records_interval} and registers the new queries exactly as {@code records import} does.
 *
 * <p>Data flow of one run ({@link io.promeshard.coordinator.records.auto.AutoImportRun}): read all
 * reports (one recursive GET) → {@link io.promeshard.coordinator.records.auto.CandidateGathering}
 * (pure: at or above {@code records_min_duration}, deduplicated across nodes by exact text, slowest
 * first, joined by the candidates held back last run) → {@link
 * io.promeshard.coordinator.records.auto.ImportPlan} (pure: skip what is registered or was refused
 * this term, admit at most {@code records_max_new_per_interval} and no more than {@code
 * records_max_total} allows, hold back the rest) → {@link
 * io.promeshard.coordinator.records.RecordImport} (promtool check, CAS registry under the leader's
 * fence, archive, Redis) → status and metrics.
 *
 * <p>Only the leader imports, on a thread of its own ({@link
 * io.promeshard.coordinator.records.auto.AutoImporter}), so a slow promtool or Redis never delays a
 * dispatch. What it remembers lasts one term ({@link
 * io.promeshard.coordinator.records.auto.TermMemory}): a new leader checks refused queries once
 * more, and gives Redis the whole registry on its first run. Nothing is lost on a leader change:
 * the registry is in Consul, and the reports stay until their agents write the next ones.
 */
package io.promeshard.coordinator.records.auto;

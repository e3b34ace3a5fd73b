/**
 * What the local Prometheus has not done yet with the agent's files, reported in {@code
 * status/<node>} under {@code observed} so the coordinator moves a target (or a record) away from
 * its old server only once the new one has scraped (or evaluated) it: make-before-break.
 *
 * <h2>Data flow</h2>
 *
 * <p>watch → render → apply → observe. After every successful apply the apply loop tells the {@link
 * io.promeshard.agent.observe.Observer} which targets its files now hold, and after every reload
 * Prometheus accepted which rules it loaded. The {@link io.promeshard.agent.observe.FirstScrapes}
 * tracker (pure) turns that into targets awaiting a first scrape and groups awaiting an evaluation,
 * stamped with the time of the write or reload. This happens on the apply thread, before the status
 * of that apply is composed, so a status that says "generation g applied" always names g's new
 * targets. The observer thread then polls {@code /api/v1/targets} and {@code /api/v1/rules} ({@link
 * io.promeshard.agent.observe.PrometheusApi}), streaming, every second for the first six seconds
 * after a change and then 2, 4, 5, 5… seconds apart while something is pending (never when nothing
 * is; {@link io.promeshard.agent.observe.Observer.Pacing}), and asks the apply loop for a new
 * status when the pending set shrank (at most once a second).
 *
 * <h2>When a target counts as scraped</h2>
 *
 * <p>When Prometheus lists it, from one of the agent's own files ({@code
 * discoveredLabels.__meta_filepath} is {@code <file_sd_dir>/<job>.json}, or {@code
 * <scrape_config_dir>/<job>.json} for a job with its own scrape settings, directly or through a
 * symlink; {@code discoveredLabels.__address__} the address), with a {@code lastScrape} (the start
 * of the last scrape, up or down) at or after the moment the agent wrote it, and then a later one:
 * the second scrape makes sure the old owner, which keeps the target until then and scrapes at the
 * same interval, scraped it once more while this server did; or lists it among {@code
 * droppedTargets} (dropped by relabeling: nobody will scrape it). Jobs whose scrape settings this
 * Prometheus cannot take (before 2.43) are not waited for either. Conservative: a failed poll
 * changes nothing, a target Prometheus does not list stays pending, the first write after the agent
 * starts makes every target pending again. A group counts as evaluated, likewise at its second
 * evaluation, when its {@code lastEvaluation} (Prometheus sets it at the start of each evaluation,
 * and copies the old value into a group replaced by a reload) is first at or after the reload
 * returned and then later again; the reload is synchronous, so only evaluations of the new group
 * pass.
 *
 * <h2>Timing (measured, Prometheus 2.42–3.5)</h2>
 *
 * <p>Prometheus' discovery and scrape managers each apply changes on 5 s tickers, so a target
 * written to a file shows up in {@code /api/v1/targets} up to about 10 s later, then is scraped at
 * its phase within one scrape interval. With a 1 s scrape interval the agent's tests measure about
 * 7 s from the status reporting a generation applied to nothing pending (polls at 1, 3 and 7 s),
 * for 5 targets as for 1,005; a group that gained records is evaluated at its next tick after the
 * reload and seen by the first poll, 1 s after it.
 *
 * <h2>Samples per target</h2>
 *
 * <p>{@link io.promeshard.agent.observe.PrometheusApi#targetSamples} reads the same Prometheus for
 * load-aware placement: the active targets of the agent's files with their labels after relabeling,
 * joined to the series of {@code scrape_samples_post_metric_relabeling}, which carry exactly those
 * labels ({@link io.promeshard.agent.observe.SampleJoin}). The sample reporter calls it on a thread
 * of its own (the agent's {@code samples} package); the observer's polling is not involved.
 *
 * <h2>Limits</h2>
 *
 * <p>Prometheus must see the files under the path the agent writes (or a symlink to it): a
 * Prometheus in a container that mounts them elsewhere is not recognized, its targets never count
 * as scraped (the coordinator's handover timeout then applies), and the observer says so at WARN
 * after two minutes. Prometheus 2.53+ may keep fewer dropped targets than it drops ({@code
 * keep_dropped_targets}): those then stay pending too. With {@code reload_on: never} the agent does
 * not know when Prometheus loads its rules and reports no group as unevaluated. A target removed
 * and added back, with other labels, within Prometheus' discovery delay may be judged by its old
 * entry (scraped, or dropped by relabeling) for those few seconds.
 */
package io.promeshard.agent.observe;

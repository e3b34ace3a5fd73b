/**
 * Checks a job's {@code scrape} settings (a Prometheus {@code scrape_config} in JSON) at the
 * coordinator, so that what Prometheus would refuse never reaches a server.
 *
 * <p>Where the rules come from: the keys and the rules between them follow Prometheus 3.5's {@code
 * config/config.go} ({@code ScrapeConfig}, {@code Validate}), its {@code model/relabel} ({@code
 * Config.Validate}, regexes anchored as {@code ^(?s:...)$}) and prometheus/common v0.65's {@code
 * config/http_config.go} and {@code headers.go} (TLS, authentication, proxy, headers). Regexes are
 * compiled by re2j, a port of Go's RE2 engine, so what Go refuses (lookarounds, backreferences) is
 * refused here too. Label names follow {@code settings.label_names}: legacy as Prometheus 2 checks
 * them, or UTF-8 as Prometheus 3 does.
 *
 * <p>What is left to the servers: whether the files named by {@code *_file} keys exist, and keys a
 * server's own version does not know yet (e.g. {@code http_headers} before 2.53, or the 2.x name
 * {@code scrape_classic_histograms} on 3.x). The agent reports those through its promtool check and
 * Prometheus' reload, and keeps the previous files.
 *
 * <p>Every message starts with the key path ({@code scrape.relabel_configs[1].regex: ...}).
 * Credentials are refused inline: the settings are stored in Consul KV, so they name files.
 */
package io.promeshard.coordinator.config.scrape;

package io.promeshard.protocol;

/**
 * Defaults both sides must agree on, written once: the Consul service the agents register and the
 * coordinator watches, the KV prefix, the Consul address and the directory of the local config
 * files.
 */
public final class Defaults {
  /** The Consul service of the Prometheus nodes ({@code node_service} / {@code service}). */
  public static final String NODE_SERVICE = "prome-shard-node";

  /** The KV prefix everything lives under. */
  public static final String KV_PREFIX = "prome-shard/";

  /** The Consul HTTP address when none is configured. */
  public static final String CONSUL_ADDRESS = "http://127.0.0.1:8500";

  /** Where the packages install {@code agent.yml} and {@code coordinator.yml}. */
  public static final String CONFIG_DIR = "/etc/prome-shard/";

  private Defaults() {}
}

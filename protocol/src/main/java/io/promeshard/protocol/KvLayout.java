package io.promeshard.protocol;

/**
 * The key layout under the configured prefix (default {@code prome-shard/}). Every key either side
 * reads or writes is built here, so the layout is written once.
 */
public final class KvLayout {
  public static final String DEFAULT_PREFIX = "prome-shard/";

  private final String prefix;

  /** Normalises {@code prefix}: no leading slash, exactly one trailing slash; empty means the KV root. */
  public KvLayout(String prefix) {
    String p = prefix == null ? DEFAULT_PREFIX : prefix.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (!p.isEmpty() && !p.endsWith("/")) {
      p = p + "/";
    }
    if (p.contains("//") || p.contains("/../") || p.startsWith("../") || p.contains("/./")) {
      throw new ProtocolException("prefix: invalid KV prefix " + Names.quote(prefix));
    }
    this.prefix = p;
  }

  public static KvLayout defaults() {
    return new KvLayout(DEFAULT_PREFIX);
  }

  public String prefix() {
    return prefix;
  }

  public String configDir() {
    return prefix + "config/";
  }

  public String settings() {
    return prefix + "config/settings";
  }

  public String jobsDir() {
    return prefix + "config/jobs/";
  }

  public String job(String job) {
    return jobsDir() + Names.job(job);
  }

  public String recordsDir() {
    return prefix + "records/";
  }

  public String record(long index) {
    if (index < 1) {
      throw new ProtocolException("records: index must be >= 1, found " + index);
    }
    return recordsDir() + index;
  }

  /**
   * The next free record index. It sits beside {@code records/}, not in it, so watchers of the
   * registry never see it; imports advance it with check-and-set, so an index is never reused.
   */
  public String recordsNextIndex() {
    return prefix + "records-next-index";
  }

  public String nodesDir() {
    return prefix + "nodes/";
  }

  /** The prefix an agent watches: {@code nodes/<node>/}. */
  public String nodeDir(String node) {
    return nodesDir() + Names.node(node) + "/";
  }

  public String manifest(String node) {
    return nodeDir(node) + NodeManifest.KEY;
  }

  /** Absolute key of a part named relative to the node directory (e.g. {@code targets/web}). */
  public String part(String node, String relativeKey) {
    PartKey.parse(relativeKey);
    return nodeDir(node) + relativeKey;
  }

  public String statusDir() {
    return prefix + "status/";
  }

  public String nodeStatus(String node) {
    return statusDir() + Names.node(node);
  }

  public String coordinatorStatus() {
    return statusDir() + "coordinator";
  }

  public String leader() {
    return prefix + "leader";
  }

  /** Strips {@code nodes/<node>/} from an absolute key, or returns null when the key is elsewhere. */
  public String relativeToNode(String node, String key) {
    String dir = nodeDir(node);
    return key.startsWith(dir) ? key.substring(dir.length()) : null;
  }
}

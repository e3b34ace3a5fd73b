package io.promeshard.protocol;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The key layout under the configured prefix (default {@code prome-shard/}). Every key either side
 * reads or writes is built here, and keys read back are taken apart here, so the layout is written
 * once.
 */
public final class KvLayout {
  /**
   * A record index as written in keys and in the counter: 1, 2, 3... (no sign, no leading zero,
   * fits a long).
   */
  private static final Pattern RECORD_INDEX = Pattern.compile("[1-9][0-9]{0,17}");

  private final String prefix;

  /**
   * Normalises {@code prefix}: no leading slash, exactly one trailing slash; empty means the KV
   * root.
   */
  public KvLayout(String prefix) {
    String p = prefix == null ? Defaults.KV_PREFIX : prefix.strip();
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
    return new KvLayout(Defaults.KV_PREFIX);
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
   * The index of a record key ({@code <prefix>records/<index>}), or empty when {@code key} is
   * another key, the {@code records/} folder itself, or a name under it that is not an index.
   */
  public OptionalLong recordIndex(String key) {
    String dir = recordsDir();
    return key.startsWith(dir)
        ? parseRecordIndex(key.substring(dir.length()))
        : OptionalLong.empty();
  }

  /**
   * Parses a record index written as text (1, 2, 3...); empty for anything else, including 0, signs
   * and leading zeros.
   */
  public static OptionalLong parseRecordIndex(String text) {
    return text != null && RECORD_INDEX.matcher(text).matches()
        ? OptionalLong.of(Long.parseLong(text))
        : OptionalLong.empty();
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

  /** {@code reports/}: what agents report for the coordinator beyond their status. */
  public String reportsDir() {
    return prefix + "reports/";
  }

  /** {@code reports/<node>/queries}: the slow queries a node's agent found in its query log. */
  public String queryReport(String node) {
    return reportsDir() + Names.node(node) + "/queries";
  }

  /**
   * {@code reports/<node>/samples}: the samples per scrape of each of a node's targets, as its
   * agent measured them ({@link SampleReport}).
   */
  public String sampleReport(String node) {
    return reportsDir() + Names.node(node) + "/samples";
  }

  /**
   * The node of a {@code reports/<node>/samples} key (as read back from a recursive read of {@link
   * #reportsDir()}), or null for any other key or an invalid node name.
   */
  public String sampleReportNode(String key) {
    String dir = reportsDir();
    String suffix = "/samples";
    if (!key.startsWith(dir) || !key.endsWith(suffix)) {
      return null;
    }
    String node =
        key.substring(dir.length(), Math.max(dir.length(), key.length() - suffix.length()));
    return Names.isValid(node) ? node : null;
  }

  public String coordinatorStatus() {
    return statusDir() + "coordinator";
  }

  public String leader() {
    return prefix + "leader";
  }

  /**
   * An operator's release of a held dispatch: {@code {"id": "<hold id>"}}, written by {@code
   * prome-shard-coordinator approve}, deleted by the leader once the released change is published.
   */
  public String holdApproval() {
    return prefix + "hold-approval";
  }

  /**
   * The node of a key under {@code nodes/<node>/} (the node directory itself included), or null
   * when the key is elsewhere or its node name is not a valid name.
   */
  public String nodeOf(String key) {
    String dir = nodesDir();
    if (!key.startsWith(dir)) {
      return null;
    }
    int slash = key.indexOf('/', dir.length());
    String node = slash < 0 ? "" : key.substring(dir.length(), slash);
    return Names.isValid(node) ? node : null;
  }

  /**
   * Strips {@code nodes/<node>/} from an absolute key, or returns null when the key is elsewhere.
   */
  public String relativeToNode(String node, String key) {
    String dir = nodeDir(node);
    return key.startsWith(dir) ? key.substring(dir.length()) : null;
  }
}

package io.promeshard.protocol.consul;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.QueryReport;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads every agent's slow-query report under {@code reports/<node>/queries} in one recursive GET.
 * Reports are read leniently about unknown fields (agents may be newer); a report that cannot be
 * read, or whose {@code node} is not the one in its key, is set aside with the reason instead of
 * failing the others. Consul failures are IOExceptions.
 */
public final class QueryReports {
  /** One node's report and the Consul ModifyIndex it was read at. */
  public record Read(QueryReport report, long modifyIndex) {}

  /** Reports by node, and keys under {@code reports/} holding no readable report, with why. */
  public record All(Map<String, Read> reports, Map<String, String> problems) {
    public All {
      reports = Collections.unmodifiableMap(new TreeMap<>(reports));
      problems = Collections.unmodifiableMap(new TreeMap<>(problems));
    }
  }

  private static final String SUFFIX = "/queries";

  private QueryReports() {}

  public static All read(KvClient kv, KvLayout layout) throws IOException {
    String dir = layout.reportsDir();
    Map<String, Read> reports = new TreeMap<>();
    Map<String, String> problems = new TreeMap<>();
    for (KvEntry e : kv.list(dir, 0, Duration.ZERO).value()) {
      if (!e.key().startsWith(dir) || !e.key().endsWith(SUFFIX)) {
        continue; // folder keys, and reports of other kinds
      }
      String node = e.key().substring(dir.length(), e.key().length() - SUFFIX.length());
      if (!Names.isValid(node)) {
        problems.put(e.key(), "not reports/<node>/queries");
        continue;
      }
      try {
        QueryReport r = Json.decodeWire(e.key(), e.value(), QueryReport.class);
        if (!r.node().equals(node)) {
          throw new ProtocolException(
              e.key() + ": report of node " + r.node() + " under the key of node " + node);
        }
        reports.put(node, new Read(r, e.modifyIndex()));
      } catch (ProtocolException ex) {
        problems.put(e.key(), ex.getMessage());
      }
    }
    return new All(reports, problems);
  }
}

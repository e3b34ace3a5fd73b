package io.promeshard.protocol;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every node's {@link SampleReport} from one recursive read of {@code reports/} ({@link
 * KvLayout#reportsDir()}): the valid ones by node, and for each value that is not, its key and why
 * (a coordinator keeps that node's last good report and says so). Other keys under {@code reports/}
 * (e.g. {@code reports/<node>/queries}) are skipped. Pure.
 *
 * @param byNode node → its report, sorted by node
 * @param errors key → what is wrong with its value (the message names the key)
 */
public record SampleReports(Map<String, SampleReport> byNode, Map<String, String> errors) {
  public SampleReports {
    byNode = Collections.unmodifiableSortedMap(new TreeMap<>(byNode));
    errors = Collections.unmodifiableSortedMap(new TreeMap<>(errors));
  }

  /**
   * Reads {@code values} (full key → stored bytes, e.g. the entries of {@code GET
   * /v1/kv/<prefix>reports/?recurse}); a report whose {@code node} is not its key's node is an
   * error.
   */
  public static SampleReports read(KvLayout layout, Map<String, byte[]> values) {
    Map<String, SampleReport> byNode = new TreeMap<>();
    Map<String, String> errors = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          String node = layout.sampleReportNode(key);
          if (node == null) {
            return;
          }
          try {
            SampleReport report = SampleReport.decode(key, value);
            if (!report.node().equals(node)) {
              throw new ProtocolException(
                  key + ": node: expected " + Names.quote(node) + ", found " + report.node());
            }
            byNode.put(node, report);
          } catch (ProtocolException e) {
            errors.put(key, e.getMessage());
          }
        });
    return new SampleReports(byNode, errors);
  }

  /**
   * Target key → samples per scrape over all reports; a target in several reports (it moved, and
   * its old node has not reported since) takes the most recent measurement, ties broken by node
   * name.
   */
  public Map<String, Long> samplesByTarget() {
    Map<String, Long> out = new TreeMap<>();
    Map<String, SampleReport> from = new TreeMap<>();
    byNode.forEach(
        (node, report) ->
            report
                .samples()
                .forEach(
                    (target, n) -> {
                      SampleReport before = from.get(target);
                      if (before == null || report.measuredAt().isAfter(before.measuredAt())) {
                        from.put(target, report);
                        out.put(target, n);
                      }
                    }));
    return Collections.unmodifiableMap(out);
  }
}

package io.promeshard.protocol;

/** A recording rule: the metric name it records and the PromQL expression it evaluates. */
public record RecordRule(String record, String expr) {
  public RecordRule {
    if (!Names.isMetricName(record)) {
      throw new ProtocolException("record rule: invalid record name " + Names.quote(record));
    }
    if (expr == null || expr.isBlank()) {
      throw new ProtocolException("record rule " + record + ": \"expr\" is empty");
    }
  }
}

package io.promeshard.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A recording rule: the metric name it records and the PromQL expression it evaluates. */
public record RecordRule(
    @JsonProperty(required = true) String record, @JsonProperty(required = true) String expr) {
  public RecordRule {
    if (!Names.isMetricName(record)) {
      throw new ProtocolException("record rule: invalid record name " + Names.quote(record));
    }
    if (expr == null || expr.isBlank()) {
      throw new ProtocolException("record rule " + record + ": \"expr\" is empty");
    }
    int bytes = expr.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > Limits.RECORD_EXPR_BYTES) {
      throw new ProtocolException(
          "record rule "
              + record
              + ": \"expr\" of "
              + bytes
              + " bytes, over the limit of "
              + Limits.RECORD_EXPR_BYTES);
    }
  }
}

package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.RecordRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleFilesTest {
  @Test
  void ruleGroupOverThreeMegabytesIsWrittenAndCheckedBack() {
    List<RecordRule> rules = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      rules.add(
          new RecordRule(
              "job:requests_" + i + ":rate5m",
              "sum by (job, instance) (rate(http_requests_total{handler=\"/api/v1/items/"
                  + i
                  + "\"}[5m]))"));
    }
    String yaml = RuleFiles.yaml("large", null, rules);
    assertTrue(yaml.length() > 3 * 1024 * 1024, "only " + yaml.length() + " characters");
  }
}

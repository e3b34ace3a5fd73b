package io.promeshard.coordinator.records;

import java.util.List;

/**
 * The input of an import of the agents' reports, as {@link RecordImport} takes it: the expressions
 * the active coordinator gathered, numbered 1, 2, 3... in the given order, named and set aside
 * (empty, oversized) exactly as the lines of a query log are.
 */
public final class ReportInput {
  private ReportInput() {}

  public static ParsedInput of(List<String> exprs, RecordNaming naming) {
    InputCollector out = new InputCollector("reports", naming);
    long n = 0;
    for (String expr : exprs) {
      out.line();
      out.offer(++n, expr);
    }
    return out.result();
  }
}

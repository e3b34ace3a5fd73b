package io.promeshard.protocol;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code promtool check rules} output: which rules of a group it names, with their errors.
 * Used by {@code records import} before registering and by the agent to single out rules its
 * Prometheus rejected.
 */
public final class PromtoolOutput {
  private static final Pattern RULE_ERROR =
      Pattern.compile("group \"([^\"]*)\", rule (\\d+), \"([^\"]*)\": (.*)");

  private PromtoolOutput() {}

  /**
   * Rule number (1-based) to error, from the lines naming a rule of {@code group} whose record is
   * the one {@code rules} has at that number; several errors of one rule are joined with "; ".
   */
  public static Map<Integer, String> ruleErrors(
      String output, String group, List<RecordRule> rules) {
    Map<Integer, String> errors = new TreeMap<>();
    for (String line : output.split("\n", -1)) {
      Matcher m = RULE_ERROR.matcher(line);
      if (!m.find() || !m.group(1).equals(group)) {
        continue;
      }
      int n;
      try {
        n = Integer.parseInt(m.group(2));
      } catch (NumberFormatException e) {
        continue;
      }
      if (n >= 1 && n <= rules.size() && rules.get(n - 1).record().equals(m.group(3))) {
        errors.merge(n, m.group(4).strip(), (a, b) -> a + "; " + b);
      }
    }
    return errors;
  }
}

package io.promeshard.scenarios;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression selects: identifiers that are neither keywords, aggregation
 * operators, function calls (followed by {@code (}), label names (inside {@code {...}} or after
 * {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left}, {@code
 * group_right}), numbers, durations, strings nor Grafana variables ({@code $x}, {@code ${x}}). Not
 * a parser: it does not check the expression (promtool does), it only finds the names in one that
 * is valid.
 */
final class PromqlNames {
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "offset", "bool", "atan2", "inf", "nan");

  /** Aggregation operators: followed by {@code by (...)} or {@code without (...)}, not by "(". */
  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");

  private PromqlNames() {}

  static Set<String> of(String expr) {
    Set<String> names = new TreeSet<>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = afterString(expr, i);
      } else if (c == '{') {
        i = afterClosing(expr, i, '}');
      } else if (c == '[') {
        i = afterClosing(expr, i, ']');
      } else if (c == '#') {
        int eol = expr.indexOf('\n', i);
        i = eol < 0 ? expr.length() : eol + 1;
      } else if (c == '$') {
        i = expr.startsWith("${", i) ? afterClosing(expr, i + 1, '}') : afterWord(expr, i + 1);
      } else if (Character.isDigit(c) || c == '.') {
        i = afterWord(expr, i); // 0.99, 1e3, 0x1f, 5m, 1h30m
      } else if (isWordStart(c)) {
        int end = afterWord(expr, i);
        String word = expr.substring(i, end);
        int next = skipSpace(expr, end);
        boolean call = next < expr.length() && expr.charAt(next) == '(';
        if (LABEL_LISTS.contains(word)) {
          i = call ? afterClosing(expr, next, ')') : end;
          continue;
        }
        String lower = word.toLowerCase(Locale.ROOT);
        if (!call && !KEYWORDS.contains(lower) && !AGGREGATIONS.contains(lower)) {
          names.add(word);
        }
        i = end;
      } else {
        i++;
      }
    }
    return names;
  }

  private static boolean isWordStart(char c) {
    return Character.isLetter(c) || c == '_' || c == ':';
  }

  private static int afterWord(String s, int i) {
    while (i < s.length()
        && (Character.isLetterOrDigit(s.charAt(i)) || "_:.".indexOf(s.charAt(i)) >= 0)) {
      i++;
    }
    return i;
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Past the quote that closes the string opened at {@code i} (backslash escapes skipped). */
  private static int afterString(String s, int i) {
    char quote = s.charAt(i);
    for (int j = i + 1; j < s.length(); j++) {
      if (s.charAt(j) == '\\' && quote != '`') {
        j++;
      } else if (s.charAt(j) == quote) {
        return j + 1;
      }
    }
    throw new IllegalArgumentException("unterminated string at " + i + " in " + s);
  }

  /** Past {@code close} matching the bracket at {@code i}; strings inside are skipped whole. */
  private static int afterClosing(String s, int i, char close) {
    for (int j = i + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '"' || c == '\'' || c == '`') {
        j = afterString(s, j) - 1;
      } else if (c == close) {
        return j + 1;
      }
    }
    throw new IllegalArgumentException("no " + close + " after " + i + " in " + s);
  }
}

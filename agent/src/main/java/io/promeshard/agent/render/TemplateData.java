package io.promeshard.agent.render;

import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.time.Duration;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the maps templates are rendered with, lazily per list element. Lists carry {@code
 * first}/{@code last} flags on each element so templates can place separators; the field names are
 * documented at the top of each default template.
 */
final class TemplateData {
  private TemplateData() {}

  /** {@code job}, {@code groups[]{targets[]{value}, labels[]{name, value}}}. */
  static Map<String, Object> fileSd(String job, List<TargetGroup> groups) {
    Map<String, Object> data = new HashMap<>();
    data.put("job", job);
    data.put(
        "groups",
        flagged(
            groups,
            g -> {
              Map<String, Object> m = new HashMap<>();
              m.put("targets", flagged(g.targets(), t -> new HashMap<>(Map.of("value", t))));
              m.put(
                  "labels",
                  flagged(
                      List.copyOf(g.labels().entrySet()),
                      e -> new HashMap<>(Map.of("name", e.getKey(), "value", e.getValue()))));
              return m;
            }));
    return data;
  }

  /** {@code group}, {@code interval} (absent when null), {@code rules[]{record, expr}}. */
  static Map<String, Object> rules(String group, List<RecordRule> rules, String interval) {
    Map<String, Object> data = new HashMap<>();
    data.put("group", group);
    if (interval != null) {
      data.put("interval", interval);
    }
    data.put(
        "rules",
        flagged(rules, r -> new HashMap<>(Map.of("record", r.record(), "expr", r.expr()))));
    return data;
  }

  /**
   * A Prometheus duration for {@code d} in the largest whole unit ("30s", "2m", "1h", "1500ms"), or
   * null when {@code d} is null; an interval under 1ms is an IllegalArgumentException.
   */
  static String prometheusDuration(Duration d) {
    if (d == null) {
      return null;
    }
    if (d.toMillis() <= 0) {
      throw new IllegalArgumentException("rule interval: expected a positive duration, found " + d);
    }
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  /**
   * {@code items} as template elements, each built only when the template reaches it: a job of
   * 100,000 targets then never holds 100,000 maps (plus their label maps) at once.
   */
  private static <T> List<Map<String, Object>> flagged(
      List<T> items, Function<T, Map<String, Object>> fields) {
    return new AbstractList<>() {
      @Override
      public Map<String, Object> get(int i) {
        Map<String, Object> m = fields.apply(items.get(i));
        m.put("first", i == 0);
        m.put("last", i == items.size() - 1);
        return m;
      }

      @Override
      public int size() {
        return items.size();
      }
    };
  }
}

package io.promeshard.agent.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.time.Duration;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Builds the maps templates are rendered with, lazily per list element. Lists carry {@code
 * first}/{@code last} flags on each element so templates can place separators; the field names are
 * documented at the top of each default template.
 */
final class TemplateData {
  /** What a bare token may hold: JSON punctuation, numbers, true, false, null. */
  private static final Pattern BARE = Pattern.compile("[-+.0-9eE{}\\[\\],: truefalsn]*");

  private TemplateData() {}

  private static final String[] GROUP = {"targets", "labels", "first", "last"};
  private static final String[] TARGET = {"value", "first", "last"};
  private static final String[] LABEL = {"name", "value", "first", "last"};
  private static final String[] RULE = {"record", "expr", "first", "last"};
  private static final String[] SETTING = {"key", "value", "first", "last"};

  /** {@code job}, {@code groups[]{targets[]{value}, labels[]{name, value}}}. */
  static Map<String, Object> fileSd(String job, List<TargetGroup> groups) {
    Map<String, Object> data = new HashMap<>();
    data.put("job", job);
    data.put(
        "groups",
        flagged(
            groups,
            GROUP,
            (g, fields) -> {
              fields[0] = flagged(g.targets(), TARGET, (t, f) -> f[0] = t);
              fields[1] =
                  flagged(
                      List.copyOf(g.labels().entrySet()),
                      LABEL,
                      (e, f) -> {
                        f[0] = e.getKey();
                        f[1] = e.getValue();
                      });
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
        flagged(
            rules,
            RULE,
            (r, f) -> {
              f[0] = r.record();
              f[1] = r.expr();
            }));
    return data;
  }

  /**
   * {@code job}, {@code targets_file}, {@code settings[]{key, value[]{text, quoted}}}: each value
   * is its JSON text as tokens, strings quoted and the rest bare (see {@link #tokens}).
   */
  static Map<String, Object> scrapeConfig(String job, String targetsFile, JsonNode settings) {
    Map<String, Object> data = new HashMap<>();
    data.put("job", job);
    data.put("targets_file", targetsFile);
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    settings.fields().forEachRemaining(entries::add);
    data.put(
        "settings",
        flagged(
            entries,
            SETTING,
            (e, f) -> {
              f[0] = e.getKey();
              f[1] = tokens(e.getValue());
            }));
    return data;
  }

  /**
   * The JSON text of {@code value} as tokens {@code {text, quoted}}: each string one quoted token
   * (its text unescaped; the template escapes it), everything between strings merged into one bare
   * token. Bare text holds only characters the escaping leaves as they are.
   */
  static List<Map<String, Object>> tokens(JsonNode value) {
    List<Map<String, Object>> out = new ArrayList<>();
    StringBuilder bare = new StringBuilder();
    tokens(value, out, bare);
    flush(out, bare);
    return out;
  }

  private static void tokens(JsonNode v, List<Map<String, Object>> out, StringBuilder bare) {
    if (v.isObject()) {
      bare.append('{');
      String sep = "";
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        bare.append(sep);
        quoted(e.getKey(), out, bare);
        bare.append(": ");
        tokens(e.getValue(), out, bare);
        sep = ", ";
      }
      bare.append('}');
    } else if (v.isArray()) {
      bare.append('[');
      for (int i = 0; i < v.size(); i++) {
        bare.append(i == 0 ? "" : ", ");
        tokens(v.get(i), out, bare);
      }
      bare.append(']');
    } else if (v.isTextual()) {
      quoted(v.textValue(), out, bare);
    } else if (v.isNumber() || v.isBoolean() || v.isNull()) {
      bare.append(v.toString());
    } else {
      throw new IllegalArgumentException("scrape settings: unexpected JSON value " + v);
    }
  }

  private static void quoted(String text, List<Map<String, Object>> out, StringBuilder bare) {
    flush(out, bare);
    out.add(new HashMap<>(Map.of("text", text, "quoted", true)));
  }

  private static void flush(List<Map<String, Object>> out, StringBuilder bare) {
    if (bare.length() == 0) {
      return;
    }
    String text = bare.toString();
    if (!BARE.matcher(text).matches()) {
      throw new IllegalStateException("bare scrape settings token with unsafe text: " + text);
    }
    out.add(new HashMap<>(Map.of("text", text, "quoted", false)));
    bare.setLength(0);
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
   * 100,000 targets then never holds 100,000 maps (plus their label maps) at once. {@code names}
   * ends with {@code first} and {@code last}; {@code fill} sets the values of the names before.
   */
  private static <T> List<Map<String, Object>> flagged(
      List<T> items, String[] names, BiConsumer<T, Object[]> fill) {
    return new AbstractList<>() {
      @Override
      public Map<String, Object> get(int i) {
        Object[] values = new Object[names.length];
        fill.accept(items.get(i), values);
        values[names.length - 2] = i == 0;
        values[names.length - 1] = i == items.size() - 1;
        return new Fields(names, values);
      }

      @Override
      public int size() {
        return items.size();
      }
    };
  }

  /**
   * One template element: a few fixed names and their values, read-only. Mustache asks each element
   * for every tag inside its section; an array scan over four names costs less than a HashMap built
   * per target.
   */
  private static final class Fields extends AbstractMap<String, Object> {
    private final String[] names;
    private final Object[] values;

    Fields(String[] names, Object[] values) {
      this.names = names;
      this.values = values;
    }

    private int index(Object name) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public boolean containsKey(Object name) {
      return index(name) >= 0;
    }

    @Override
    public Object get(Object name) {
      int i = index(name);
      return i < 0 ? null : values[i];
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        m.put(names[i], values[i]);
      }
      return Collections.unmodifiableMap(m).entrySet();
    }
  }
}

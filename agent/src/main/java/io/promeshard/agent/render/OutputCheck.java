package io.promeshard.agent.render;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Parses rendered output back and compares it with what was rendered: file_sd JSON must decode
 * strictly to exactly the given target groups, a rule file must hold exactly the given group,
 * interval and rules with no keys Prometheus would reject. Any difference is a RenderException
 * naming the template and the first problem found.
 */
final class OutputCheck {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * The largest rule file read back, in code points. A rule group is stored in as many KV chunks as
   * it needs, so SnakeYAML's default of 3 MB is not a bound the input respects; 64 Mi is far above
   * any real group and still keeps a runaway template from reading back without end.
   */
  static final int MAX_YAML_CODE_POINTS = 64 * 1024 * 1024;

  /** Reads one value of a stream (trailing tokens are the rest of the stream, checked apart). */
  private static final ObjectReader ONE_VALUE =
      JSON.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final ObjectMapper YAML =
      YAMLMapper.builder(YAMLFactory.builder().loaderOptions(yamlLimits()).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "limit", "rules");
  private static final Set<String> RULE_KEYS = Set.of("record", "expr", "labels");

  private OutputCheck() {}

  private static LoaderOptions yamlLimits() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_YAML_CODE_POINTS);
    return options;
  }

  /**
   * Streams {@code output} through a JSON parser, one target group at a time, so checking a job of
   * 100,000 targets never builds a tree of it; output in the exact form of the default template is
   * compared token by token ({@link ExactTargets}) and read no further. The problems reported, and
   * their order (structure first, then the group count, then the first group that differs), are
   * those of a full parse.
   */
  static void targets(
      String template, String job, RenderedBytes output, List<TargetGroup> expected) {
    if (!ExactTargets.match(JSON.getFactory(), output, expected)) {
      fullTargets(template, job, output, expected);
    }
  }

  /** {@link #targets} without the token-by-token shortcut. */
  static void fullTargets(
      String template, String job, RenderedBytes output, List<TargetGroup> expected) {
    String where = "template " + template + " rendered job " + job;
    try (JsonParser p = JSON.getFactory().createParser(output.open())) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw fail(where, "empty output");
      }
      if (first != JsonToken.START_ARRAY) {
        throw fail(where, "top level: expected a list, found " + kind(ONE_VALUE.readTree(p)));
      }
      int count = 0;
      String differs = null;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        String at = "[" + count + "]";
        TargetGroup a = targetGroup(where, ONE_VALUE.readTree(p), at);
        if (differs == null && count < expected.size()) {
          differs = difference(at, a, expected.get(count));
        }
        count++;
      }
      if (p.nextToken() != null) {
        throw new RenderException(
            where
                + " that is not valid JSON: trailing token "
                + p.currentToken()
                + " after the top-level list"
                + location(p.currentLocation()));
      }
      if (count != expected.size()) {
        throw fail(where, count + " target groups instead of " + expected.size());
      }
      if (differs != null) {
        throw fail(where, differs);
      }
    } catch (JsonProcessingException e) {
      throw notValid(where, "JSON", e);
    } catch (IOException e) {
      throw new RenderException(
          where + " that could not be read back as JSON: " + e.getMessage(), e);
    }
  }

  /** The first way {@code a} differs from {@code e}, or null. */
  private static String difference(String at, TargetGroup a, TargetGroup e) {
    if (!a.targets().equals(e.targets())) {
      return at + ".targets is " + a.targets() + " instead of " + e.targets();
    }
    if (!a.labels().equals(e.labels())) {
      return at + ".labels is " + quoted(a.labels()) + " instead of " + quoted(e.labels());
    }
    return null;
  }

  static void rules(
      String template,
      String group,
      RenderedBytes output,
      String interval,
      List<RecordRule> expected) {
    String where = "template " + template + " rendered rule group " + group;
    JsonNode root = parse(YAML, where, "YAML", output);
    object(where, root, "top level", Set.of("groups"));
    JsonNode groups = array(where, root.get("groups"), "groups");
    if (groups.size() != 1) {
      throw fail(where, groups.size() + " groups instead of 1");
    }
    JsonNode g = object(where, groups.get(0), "groups[0]", GROUP_KEYS);
    expectText(where, g.get("name"), "groups[0].name", group);
    if (interval == null
        ? g.hasNonNull("interval")
        : !interval.equals(text(where, g.get("interval"), "groups[0].interval"))) {
      throw fail(
          where,
          "groups[0].interval is "
              + g.get("interval")
              + " instead of "
              + (interval == null ? "absent" : interval));
    }
    JsonNode rules = array(where, g.get("rules"), "groups[0].rules");
    if (rules.size() != expected.size()) {
      throw fail(where, rules.size() + " rules instead of " + expected.size());
    }
    for (int i = 0; i < rules.size(); i++) {
      String at = "groups[0].rules[" + i + "]";
      JsonNode r = object(where, rules.get(i), at, RULE_KEYS);
      expectText(where, r.get("record"), at + ".record", expected.get(i).record());
      expectText(where, r.get("expr"), at + ".expr", expected.get(i).expr());
    }
  }

  /**
   * A scrape-config file must hold exactly one scrape config: {@code job_name} the job, {@code
   * file_sd_configs} exactly {@code [{files: [targetsFile]}]}, and every other key equal to {@code
   * settings} (numbers compared by value: YAML may read {@code 1e3} as text).
   */
  static void scrapeConfig(
      String template, String job, RenderedBytes output, String targetsFile, JsonNode settings) {
    String where = "template " + template + " rendered the scrape config of job " + job;
    JsonNode root = parse(YAML, where, "YAML", output);
    object(where, root, "top level", Set.of("scrape_configs"));
    JsonNode configs = array(where, root.get("scrape_configs"), "scrape_configs");
    if (configs.size() != 1) {
      throw fail(where, configs.size() + " scrape configs instead of 1");
    }
    JsonNode c = object(where, configs.get(0), "scrape_configs[0]", null);
    expectText(where, c.get("job_name"), "scrape_configs[0].job_name", job);
    JsonNode sd = c.get("file_sd_configs");
    JsonNode files = sd != null && sd.size() == 1 ? sd.get(0).get("files") : null;
    if (sd == null
        || !sd.isArray()
        || sd.size() != 1
        || sd.get(0).size() != 1
        || files == null
        || !files.isArray()
        || files.size() != 1
        || !targetsFile.equals(files.get(0).textValue())) {
      throw fail(
          where,
          "scrape_configs[0].file_sd_configs is "
              + (sd == null ? "absent" : sd.toString())
              + " instead of [{\"files\": ["
              + quote(targetsFile)
              + "]}]");
    }
    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("job_name") && !key.equals("file_sd_configs") && !settings.has(key)) {
        throw fail(where, "scrape_configs[0]: unexpected key " + quote(key));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode actual = c.get(e.getKey());
      if (actual == null || !sameJson(e.getValue(), actual)) {
        throw fail(
            where,
            "scrape_configs[0]."
                + e.getKey()
                + " is "
                + (actual == null ? "absent" : actual.toString())
                + " instead of "
                + e.getValue());
      }
    }
  }

  /** JSON equality, except that numbers compare by value and YAML may have read one as text. */
  private static boolean sameJson(JsonNode expected, JsonNode actual) {
    if (expected.isNumber()) {
      String text = actual.isNumber() || actual.isTextual() ? actual.asText() : null;
      try {
        return text != null && expected.decimalValue().compareTo(new BigDecimal(text)) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (expected.isObject()) {
      if (!actual.isObject() || actual.size() != expected.size()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode a = actual.get(e.getKey());
        if (a == null || !sameJson(e.getValue(), a)) {
          return false;
        }
      }
      return true;
    }
    if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!sameJson(expected.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    return expected.equals(actual);
  }

  private static TargetGroup targetGroup(String where, JsonNode node, String at) {
    object(where, node, at, Set.of("targets", "labels"));
    List<String> targets = new ArrayList<>();
    JsonNode t = array(where, node.get("targets"), at + ".targets");
    for (int i = 0; i < t.size(); i++) {
      targets.add(text(where, t.get(i), at + ".targets[" + i + "]"));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (node.has("labels")) {
      JsonNode l = object(where, node.get("labels"), at + ".labels", null);
      for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        labels.put(e.getKey(), text(where, e.getValue(), at + ".labels." + e.getKey()));
      }
    }
    try {
      return new TargetGroup(targets, labels);
    } catch (RuntimeException e) {
      throw fail(where, at + ": " + e.getMessage());
    }
  }

  private static JsonNode parse(
      ObjectMapper mapper, String where, String format, RenderedBytes output) {
    try (InputStream in = output.open()) {
      JsonNode node = mapper.readTree(in);
      if (node == null || node.isMissingNode()) {
        throw fail(where, "empty output");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw notValid(where, format, e);
    } catch (IOException e) {
      throw new RenderException(
          where + " that could not be read back as " + format + ": " + e.getMessage(), e);
    }
  }

  private static RenderException notValid(String where, String format, JsonProcessingException e) {
    String msg = e.getOriginalMessage().replaceAll("\\s+", " ").strip();
    if (!msg.contains(" line ")) {
      msg += location(e.getLocation());
    }
    return new RenderException(where + " that is not valid " + format + ": " + msg, e);
  }

  private static String location(JsonLocation at) {
    return at != null && at.getLineNr() > 0
        ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"
        : "";
  }

  private static JsonNode object(String where, JsonNode node, String at, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw fail(where, at + ": expected an object, found " + kind(node));
    }
    if (allowed != null) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!allowed.contains(key)) {
          throw fail(where, at + ": unknown key " + quote(key) + " (allowed: " + allowed + ")");
        }
      }
    }
    return node;
  }

  private static JsonNode array(String where, JsonNode node, String at) {
    if (node == null || !node.isArray()) {
      throw fail(where, at + ": expected a list, found " + kind(node));
    }
    return node;
  }

  private static String text(String where, JsonNode node, String at) {
    if (node == null || !node.isTextual()) {
      throw fail(where, at + ": expected a string, found " + kind(node));
    }
    return node.textValue();
  }

  private static void expectText(String where, JsonNode node, String at, String expected) {
    String actual = text(where, node, at);
    if (!actual.equals(expected)) {
      throw fail(where, at + " is " + quote(actual) + " instead of " + quote(expected));
    }
  }

  private static String kind(JsonNode node) {
    return node == null || node.isMissingNode()
        ? "nothing"
        : node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node;
  }

  private static String quoted(Map<String, String> labels) {
    StringBuilder sb = new StringBuilder("{");
    labels.forEach(
        (k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(quote(v)));
    return sb.append('}').toString();
  }

  private static String quote(String s) {
    return '"' + Escaping.JSON.escape(s) + '"';
  }

  private static RenderException fail(String where, String problem) {
    return new RenderException(where + " unfaithfully: " + problem);
  }
}

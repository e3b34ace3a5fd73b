package io.promeshard.coordinator.config.scrape;

import static io.promeshard.coordinator.config.scrape.JsonShape.at;
import static io.promeshard.coordinator.config.scrape.JsonShape.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.Names;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One list of relabeling rules ({@code relabel_configs} or {@code metric_relabel_configs}), checked
 * as Prometheus' {@code model/relabel} checks it: known keys, the action (any case), the fields
 * each action needs or refuses, label names under the fleet's {@link LabelNameScheme}, and regexes
 * compiled with RE2 (Go's syntax: no lookarounds, no backreferences), anchored as Prometheus
 * anchors them.
 */
final class RelabelCheck {
  private static final Set<String> KEYS =
      Set.of(
          "source_labels",
          "separator",
          "regex",
          "modulus",
          "target_label",
          "replacement",
          "action");
  private static final List<String> ACTIONS =
      List.of(
          "replace",
          "keep",
          "drop",
          "keepequal",
          "dropequal",
          "hashmod",
          "labelmap",
          "labeldrop",
          "labelkeep",
          "lowercase",
          "uppercase");
  private static final Set<String> NEED_TARGET =
      Set.of("replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal");
  private static final Set<String> PLAIN_TARGET =
      Set.of("hashmod", "lowercase", "uppercase", "keepequal", "dropequal");
  private static final Set<String> NO_REPLACEMENT =
      Set.of("lowercase", "uppercase", "keepequal", "dropequal");

  /** A legacy label name with {@code $1} or {@code ${name}} parts, as Prometheus 2 allows. */
  private static final Pattern LEGACY_TEMPLATE =
      Pattern.compile("(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+");

  private static final Pattern LEGACY_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final String DEFAULT_SEPARATOR = ";";
  private static final String DEFAULT_REPLACEMENT = "$1";

  private RelabelCheck() {}

  static void rules(String path, JsonNode rules, LabelNameScheme scheme) {
    JsonShape.list(path, rules);
    for (int i = 0; i < rules.size(); i++) {
      rule(at(path, i), rules.get(i), scheme);
    }
  }

  private static void rule(String path, JsonNode rule, LabelNameScheme scheme) {
    JsonShape.object(path, rule);
    JsonShape.keys(path, rule, KEYS, Map.of());
    String action = "replace";
    if (rule.has("action")) {
      String written = JsonShape.string(at(path, "action"), rule.get("action"));
      action = written.toLowerCase(Locale.ROOT);
      if (!ACTIONS.contains(action)) {
        throw error(
            at(path, "action"),
            "unknown action "
                + Names.quote(written)
                + ", expected one of "
                + String.join(", ", ACTIONS));
      }
    }
    if (rule.has("source_labels")) {
      List<String> labels = JsonShape.strings(at(path, "source_labels"), rule.get("source_labels"));
      for (int i = 0; i < labels.size(); i++) {
        labelName(at(at(path, "source_labels"), i), labels.get(i), scheme);
      }
    }
    String separator = optionalString(path, rule, "separator", DEFAULT_SEPARATOR);
    String replacement = optionalString(path, rule, "replacement", DEFAULT_REPLACEMENT);
    String target = optionalString(path, rule, "target_label", "");
    if (rule.has("regex")) {
      regex(at(path, "regex"), JsonShape.string(at(path, "regex"), rule.get("regex")));
    }
    long modulus =
        rule.has("modulus") ? JsonShape.count(at(path, "modulus"), rule.get("modulus")) : 0;
    String does = "action " + Names.quote(action);
    if (action.equals("hashmod") && modulus == 0) {
      throw error(at(path, "modulus"), "required above 0 for " + does);
    }
    if (NEED_TARGET.contains(action) && target.isEmpty()) {
      throw error(at(path, "target_label"), "required for " + does);
    }
    if (action.equals("replace")) {
      template(at(path, "target_label"), target, does, scheme);
    }
    if (PLAIN_TARGET.contains(action)) {
      labelName(at(path, "target_label"), target, scheme);
    }
    if (NO_REPLACEMENT.contains(action) && !replacement.equals(DEFAULT_REPLACEMENT)) {
      throw error(at(path, "replacement"), "cannot be set for " + does);
    }
    if (action.equals("labelmap")) {
      template(at(path, "replacement"), replacement, does, scheme);
    }
    boolean defaults =
        modulus == 0
            && separator.equals(DEFAULT_SEPARATOR)
            && replacement.equals(DEFAULT_REPLACEMENT);
    if ((action.equals("keepequal") || action.equals("dropequal"))
        && (rule.has("regex") || !defaults)) {
      throw error(path, does + " takes only source_labels and target_label");
    }
    if ((action.equals("labeldrop") || action.equals("labelkeep"))
        && (rule.has("source_labels") || !target.isEmpty() || !defaults)) {
      throw error(path, does + " takes only regex");
    }
  }

  /**
   * Compiles {@code regex} as Prometheus does: RE2, anchored at both ends, {@code .} matching \n.
   */
  static void regex(String path, String regex) {
    try {
      Pattern.compile("^(?s:" + regex + ")$");
    } catch (PatternSyntaxException e) {
      String part = e.getPattern() == null ? "" : e.getPattern();
      if (!regex.contains(part) && part.endsWith(")$")) {
        part = part.substring(0, part.length() - 2); // the anchoring is not the operator's
      }
      throw error(
          path,
          "invalid regular expression "
              + Names.quote(regex)
              + ": "
              + e.getDescription()
              + (regex.contains(part) && !part.isEmpty() ? " at " + Names.quote(part) : ""));
    }
  }

  private static String optionalString(String path, JsonNode rule, String key, String dflt) {
    return rule.has(key) ? JsonShape.string(at(path, key), rule.get(key)) : dflt;
  }

  private static void labelName(String path, String name, LabelNameScheme scheme) {
    if (name.isEmpty()) {
      throw error(path, "empty label name");
    }
    if (scheme == LabelNameScheme.LEGACY && !LEGACY_NAME.matches(name)) {
      throw error(
          path,
          Names.quote(name)
              + " is not a valid label name (legacy names match [a-zA-Z_][a-zA-Z0-9_]*; set"
              + " label_names: utf8 for a fleet of Prometheus 3)");
    }
  }

  /** A label name that may hold {@code $1} or {@code ${name}} references to regex groups. */
  private static void template(String path, String name, String does, LabelNameScheme scheme) {
    if (!name.contains("$")) {
      labelName(path, name, scheme);
    } else if (scheme == LabelNameScheme.LEGACY && !LEGACY_TEMPLATE.matches(name)) {
      throw error(
          path,
          Names.quote(name)
              + " is not a valid label name or template for "
              + does
              + " (letters, digits, _ and $1 or ${name} references)");
    }
  }
}

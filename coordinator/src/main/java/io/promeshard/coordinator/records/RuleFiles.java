package io.promeshard.coordinator.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promeshard.protocol.Durations;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.RecordRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Writes a Prometheus rule file holding one group of recording rules, every string double-quoted
 * (so no expression can change the YAML structure), and parses it back to check that it holds
 * exactly the given rules; a mismatch throws IllegalStateException.
 */
final class RuleFiles {
  /**
   * The largest rule file parsed back, in code points: SnakeYAML's default of 3 MB is below what a
   * large rule group writes (the agent reads rule files back with the same bound).
   */
  static final int MAX_YAML_CODE_POINTS = 64 * 1024 * 1024;

  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .loaderOptions(yamlLimits())
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .build());

  /** The parsed form, for the round-trip check. */
  private record File(List<Group> groups) {}

  private record Group(String name, String interval, List<Map<String, String>> rules) {}

  private RuleFiles() {}

  private static LoaderOptions yamlLimits() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_YAML_CODE_POINTS);
    return options;
  }

  static String yaml(String group, Duration interval, List<RecordRule> rules) {
    Names.group(group);
    List<Map<String, String>> list = new ArrayList<>(rules.size());
    for (RecordRule r : rules) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("record", r.record());
      m.put("expr", r.expr());
      list.add(m);
    }
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("name", group);
    if (interval != null) {
      g.put("interval", Durations.format(interval));
    }
    g.put("rules", list);
    String text;
    try {
      text = YAML.writeValueAsString(Map.of("groups", List.of(g)));
      File back = YAML.readValue(text, new TypeReference<File>() {});
      if (back.groups().size() != 1 || !list.equals(back.groups().get(0).rules())) {
        throw new IllegalStateException(
            "rule file for group "
                + group
                + " does not parse back to the same "
                + rules.size()
                + " rules");
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "writing rule file for group " + group + ": " + e.getOriginalMessage(), e);
    }
    return text;
  }
}

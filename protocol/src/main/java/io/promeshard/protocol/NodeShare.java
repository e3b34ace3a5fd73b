package io.promeshard.protocol;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one node is assigned: target groups per job and recording rules per rule group.
 * This is what the coordinator encodes into parts and what the agent assembles back.
 */
public record NodeShare(Map<String, List<TargetGroup>> targets, Map<String, List<RecordRule>> rules) {
  public NodeShare {
    targets = copy("job", targets);
    rules = copy("rule group", rules);
  }

  public static NodeShare empty() {
    return new NodeShare(Map.of(), Map.of());
  }

  public int targetCount() {
    return targets.values().stream().flatMap(List::stream).mapToInt(g -> g.targets().size()).sum();
  }

  public int ruleCount() {
    return rules.values().stream().mapToInt(List::size).sum();
  }

  private static <T> Map<String, List<T>> copy(String what, Map<String, List<T>> in) {
    TreeMap<String, List<T>> out = new TreeMap<>();
    if (in != null) {
      in.forEach((name, list) -> out.put(Names.require(what, name), List.copyOf(list)));
    }
    return Collections.unmodifiableMap(out);
  }
}

package io.promeshard.coordinator.source;

import io.promeshard.protocol.TargetGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Normalises the target groups of one job: every group with several addresses becomes one group per
 * address with the labels copied, and an address seen more than once is kept once. The first
 * occurrence wins — in source order of the job spec, then in the order the source reported its
 * groups — and later duplicates (whatever their labels) are dropped and counted. The result is
 * sorted by address.
 */
public final class TargetGroups {
  /**
   * The normalised groups (one address each, sorted) and the number of duplicate addresses dropped.
   */
  public record Merged(List<TargetGroup> groups, int duplicates) {
    public Merged {
      groups = List.copyOf(groups);
    }
  }

  private TargetGroups() {}

  /** One group per address, labels copied, in the input order; duplicates are kept. */
  public static List<TargetGroup> split(List<TargetGroup> groups) {
    List<TargetGroup> out = new ArrayList<>();
    for (TargetGroup g : groups) {
      if (g.targets().size() == 1) {
        out.add(g);
      } else {
        for (String address : g.targets()) {
          out.add(TargetGroup.of(address, g.labels()));
        }
      }
    }
    return out;
  }

  /** Splits and merges the results of a job's sources, given in spec order. */
  public static Merged merge(List<List<TargetGroup>> perSource) {
    Map<String, TargetGroup> byAddress = new TreeMap<>();
    int duplicates = 0;
    for (List<TargetGroup> groups : perSource) {
      for (TargetGroup g : split(groups)) {
        if (byAddress.putIfAbsent(g.targets().get(0), g) != null) {
          duplicates++;
        }
      }
    }
    return new Merged(new ArrayList<>(byAddress.values()), duplicates);
  }
}

package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A job from {@code config/jobs/<job>}: where its targets come from, labels added to every target,
 * the cost of one target ({@code weight}, default 1) and an optional replica count overriding
 * {@code settings.replicas}. Invalid values are {@link ProtocolException}s naming the field.
 */
public record JobSpec(
    @JsonProperty(required = true) List<SourceSpec> sources,
    Map<String, String> labels,
    Double weight,
    Integer replicas) {

  public JobSpec {
    if (sources == null || sources.isEmpty()) {
      throw new ProtocolException("sources: a job needs at least one source");
    }
    for (SourceSpec source : sources) { // List.of(..).contains(null) would throw
      if (source == null) {
        throw new ProtocolException("sources: null entry");
      }
    }
    sources = List.copyOf(sources);
    TreeMap<String, String> sorted = new TreeMap<>();
    if (labels != null) {
      labels.forEach(
          (k, v) -> {
            if (!Names.isLabelName(k) || k.startsWith("__")) {
              throw new ProtocolException("labels: invalid label name \"" + k + "\"");
            }
            if (v == null) {
              throw new ProtocolException("labels: " + k + " has no value");
            }
            sorted.put(k, v);
          });
    }
    labels = Collections.unmodifiableMap(sorted);
    weight = weight == null ? 1.0 : weight;
    if (!(weight > 0) || weight.isInfinite()) {
      throw new ProtocolException("weight: expected a positive number, found " + weight);
    }
    if (replicas != null && (replicas < 1 || replicas > 10)) {
      throw new ProtocolException("replicas: expected 1..10, found " + replicas);
    }
  }

  /**
   * Decodes a job spec read from {@code where} (a key or file name used in error messages); a
   * failure that is a known slip (see {@link SpecHints}) gets a message saying the right shape.
   */
  public static JobSpec parse(String where, byte[] json) {
    try {
      return Json.decode(where, json, JobSpec.class);
    } catch (ProtocolException e) {
      Optional<String> hint = SpecHints.forJob(json);
      if (hint.isPresent()) {
        throw new ProtocolException(where + ": " + hint.get(), e);
      }
      throw e;
    }
  }

  /** Replica count for this job given the global settings. */
  public int replicasOr(Settings settings) {
    return replicas == null ? settings.replicas() : replicas;
  }
}

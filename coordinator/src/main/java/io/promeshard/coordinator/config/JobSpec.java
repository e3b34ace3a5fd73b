package io.promeshard.coordinator.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.promeshard.coordinator.config.scrape.ScrapeConfigCheck;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.ScrapeSettings;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A job from {@code config/jobs/<job>}: where its targets come from, labels added to every target,
 * the cost of one target ({@code weight}, default 1), an optional replica count overriding {@code
 * settings.replicas}, and optional {@code scrape} settings (a Prometheus scrape_config, checked by
 * {@link ScrapeConfigCheck}; null when the job has none and the servers' own configuration scrapes
 * it). Invalid values are {@link ProtocolException}s naming the field.
 */
public record JobSpec(
    List<SourceSpec> sources,
    Map<String, String> labels,
    Double weight,
    Integer replicas,
    ScrapeSettings scrape) {

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

  /** A job without scrape settings of its own. */
  public JobSpec(
      List<SourceSpec> sources, Map<String, String> labels, Double weight, Integer replicas) {
    this(sources, labels, weight, replicas, null);
  }

  /**
   * The job as decoded from JSON. Its {@code scrape} is checked under the permissive UTF-8 label
   * name scheme here; {@link #parse(String, byte[], LabelNameScheme)} checks it again under the
   * fleet's.
   */
  @JsonCreator
  static JobSpec fromJson(
      @JsonProperty(value = "sources", required = true) List<SourceSpec> sources,
      @JsonProperty("labels") Map<String, String> labels,
      @JsonProperty("weight") Double weight,
      @JsonProperty("replicas") Integer replicas,
      @JsonProperty("scrape") JsonNode scrape) {
    return new JobSpec(
        sources,
        labels,
        weight,
        replicas,
        scrape == null || scrape.isNull()
            ? null
            : ScrapeConfigCheck.check(scrape, LabelNameScheme.UTF8));
  }

  /**
   * Decodes a job spec read from {@code where} (a key or file name used in error messages), its
   * scrape settings checked under the default (legacy) label name scheme.
   */
  public static JobSpec parse(String where, byte[] json) {
    return parse(where, json, LabelNameScheme.LEGACY);
  }

  /**
   * Decodes a job spec read from {@code where} (a key or file name used in error messages), its
   * scrape settings checked for a fleet whose label names follow {@code scheme}; a failure that is
   * a known slip (see {@link SpecHints}) gets a message saying the right shape.
   */
  public static JobSpec parse(String where, byte[] json, LabelNameScheme scheme) {
    JobSpec spec;
    try {
      spec = Json.decode(where, json, JobSpec.class);
    } catch (ProtocolException e) {
      Optional<String> hint = SpecHints.forJob(json);
      if (hint.isPresent()) {
        throw new ProtocolException(where + ": " + hint.get(), e);
      }
      throw e;
    }
    if (spec.scrape != null && scheme != LabelNameScheme.UTF8) {
      try {
        ScrapeConfigCheck.check(spec.scrape.json(), scheme);
      } catch (ProtocolException e) {
        throw new ProtocolException(where + ": " + e.getMessage(), e);
      }
    }
    return spec;
  }

  /** Replica count for this job given the global settings. */
  public int replicasOr(Settings settings) {
    return replicas == null ? settings.replicas() : replicas;
  }
}

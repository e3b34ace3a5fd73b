package io.promeshard.coordinator.source;

import io.promeshard.coordinator.config.SourceSpec;
import io.promeshard.protocol.TargetGroup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The running sources of one job under one spec, with each source's last good result and health.
 * Not thread-safe: {@link SourceManager} guards every instance with its lock.
 */
final class JobRun {
  /** One source of the job: its last good result and its counters. */
  static final class Slot {
    final int index;
    final String type;
    final String name;
    TargetSource source; // null when the factory could not create it
    List<TargetGroup> raw; // the last good result as reported, before admission
    List<TargetGroup> lastGood; // admitted part of the last good result; null until the first
    List<Admission.Rejected> rejected = List.of(); // of the last success
    int targets;
    int skipped;
    boolean failing;
    String lastError;
    Instant lastErrorTime;
    long errorCount;
    Instant lastSuccess;

    Slot(int index, String type, String name) {
      this.index = index;
      this.type = type;
      this.name = name;
    }

    /** The source's id in published labels: its place in the job spec and its type. */
    String id() {
      return index + ":" + type;
    }

    void success(
        List<TargetGroup> reported, Admission.Admitted admitted, int skipped, Instant now) {
      this.raw = List.copyOf(reported);
      admit(admitted);
      this.skipped = skipped;
      this.failing = false;
      this.lastSuccess = now;
    }

    /** The admitted part of the last good result (again after the label-name rule changed). */
    void admit(Admission.Admitted admitted) {
      this.lastGood = admitted.groups();
      this.rejected = admitted.rejected();
      this.targets = admitted.groups().size();
    }

    void failure(String message, Instant now) {
      this.failing = true;
      this.lastError = message;
      this.lastErrorTime = now;
      this.errorCount++;
    }
  }

  final String job;
  final List<SourceSpec> specs;
  final List<Slot> slots = new ArrayList<>();

  /** The targets of the spec this run replaced, served until every source here has reported. */
  private final JobTargets fallback;

  boolean closed;

  JobRun(String job, List<SourceSpec> specs, JobTargets fallback) {
    this.job = job;
    this.specs = List.copyOf(specs);
    this.fallback = fallback;
    for (int i = 0; i < this.specs.size(); i++) {
      String type = this.specs.get(i).type();
      slots.add(new Slot(i, type, job + "/" + i + " (" + type + ")"));
    }
  }

  /**
   * Takes over, for each source whose spec is unchanged at the same place, the last good result of
   * the run this one replaces: an edit of one source of a job is then published as soon as that
   * source reports, even while another, unchanged source of the job is down.
   */
  void inherit(JobRun previous) {
    for (int i = 0; i < slots.size() && i < previous.slots.size(); i++) {
      Slot from = previous.slots.get(i);
      if (from.lastGood != null && specs.get(i).equals(previous.specs.get(i))) {
        Slot to = slots.get(i);
        to.raw = from.raw;
        to.lastGood = from.lastGood;
        to.rejected = from.rejected;
        to.targets = from.targets;
        to.skipped = from.skipped;
        to.lastSuccess = from.lastSuccess;
      }
    }
  }

  boolean complete() {
    return slots.stream().allMatch(s -> s.lastGood != null);
  }

  /**
   * The merged targets now: fresh when complete, else the fallback if any, else what has arrived.
   */
  JobTargets targets() {
    boolean complete = complete();
    if (!complete && fallback != null) {
      return new JobTargets(
          job, fallback.groups(), false, fallback.duplicates(), fallback.rejected(), List.of());
    }
    List<List<TargetGroup>> results = new ArrayList<>();
    List<Admission.Rejected> rejected = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Slot s : slots) {
      if (s.lastGood != null) {
        results.add(slots.size() == 1 ? s.lastGood : attributed(s));
        rejected.addAll(s.rejected);
      } else {
        missing.add(slots.size() == 1 ? JobTargets.ONLY_SOURCE : s.id());
      }
    }
    TargetGroups.Merged merged = TargetGroups.merge(results);
    return new JobTargets(job, merged.groups(), complete, merged.duplicates(), rejected, missing);
  }

  /** A source's targets, each labelled with the source that reported it. */
  private static List<TargetGroup> attributed(Slot s) {
    List<TargetGroup> out = new ArrayList<>(s.lastGood.size());
    for (TargetGroup g : s.lastGood) {
      out.add(g.withLabel(TargetGroup.SOURCE_LABEL, s.id()));
    }
    return out;
  }

  List<SourceHealth> health() {
    List<SourceHealth> out = new ArrayList<>();
    for (Slot s : slots) {
      out.add(
          new SourceHealth(
              job,
              s.index,
              s.type,
              s.failing,
              s.lastError,
              s.lastErrorTime,
              s.errorCount,
              s.lastSuccess,
              s.targets,
              s.skipped));
    }
    return out;
  }

  /** Marks the run closed and returns its sources, for closing outside the manager's lock. */
  List<TargetSource> detach() {
    closed = true;
    List<TargetSource> sources = new ArrayList<>();
    for (Slot s : slots) {
      if (s.source != null) {
        sources.add(s.source);
      }
    }
    return sources;
  }
}

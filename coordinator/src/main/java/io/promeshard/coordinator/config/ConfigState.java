package io.promeshard.coordinator.config;

import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration in force, as an immutable value rebuilt from every read of {@code config/}.
 * Each key is parsed on its own; a key that fails keeps its last good version in force and its
 * error is reported under the key. Deleting a job key removes the job; deleting {@code settings}
 * restores the defaults. Jobs are checked under the settings in force ({@code label_names} decides
 * which label names their scrape settings may use), so a change of {@code label_names} checks every
 * job again.
 */
public final class ConfigState {
  private final KvLayout layout;
  private final Map<String, byte[]> lastSeen;
  private final Settings settings;
  private final Map<String, JobSpec> jobs;
  private final Map<String, String> errors;

  private ConfigState(
      KvLayout layout,
      Map<String, byte[]> lastSeen,
      Settings settings,
      Map<String, JobSpec> jobs,
      Map<String, String> errors) {
    this.layout = layout;
    this.lastSeen = Collections.unmodifiableMap(lastSeen);
    this.settings = settings;
    this.jobs = Collections.unmodifiableMap(jobs);
    this.errors = Collections.unmodifiableMap(errors);
  }

  /** Nothing read yet: default settings, no jobs. */
  public static ConfigState empty(KvLayout layout) {
    return new ConfigState(layout, Map.of(), Settings.DEFAULTS, new TreeMap<>(), new TreeMap<>());
  }

  /** The configuration after a full read of {@code config/} (absolute key → value). */
  public ConfigState update(Map<String, byte[]> values) {
    Map<String, byte[]> seen = new HashMap<>(lastSeen);
    Map<String, String> errs = new TreeMap<>(errors);
    Map<String, JobSpec> newJobs = new TreeMap<>(jobs);
    errs.keySet().removeIf(key -> !values.containsKey(key));
    seen.keySet().removeIf(key -> !values.containsKey(key));
    newJobs.keySet().removeIf(job -> !values.containsKey(layout.jobsDir() + job));
    Settings newSettings = values.containsKey(layout.settings()) ? settings : Settings.DEFAULTS;
    byte[] settingsValue = values.get(layout.settings());
    if (settingsValue != null && !Arrays.equals(seen.get(layout.settings()), settingsValue)) {
      seen.put(layout.settings(), settingsValue);
      try {
        newSettings =
            Json.decode(
                layout.settings(), nonEmpty(layout.settings(), settingsValue), Settings.class);
        errs.remove(layout.settings());
      } catch (ProtocolException ex) {
        errs.put(layout.settings(), ex.getMessage());
      }
    }
    if (newSettings.labelNames() != settings.labelNames()) {
      // scrape settings name labels: every job is checked again under the new scheme
      seen.keySet().removeIf(key -> key.startsWith(layout.jobsDir()));
    }
    for (Map.Entry<String, byte[]> e : new TreeMap<>(values).entrySet()) {
      String key = e.getKey();
      if (key.equals(layout.settings()) || Arrays.equals(seen.get(key), e.getValue())) {
        continue;
      }
      seen.put(key, e.getValue());
      try {
        String job = jobName(key);
        if (job != null) {
          newJobs.put(
              job, JobSpec.parse(key, nonEmpty(key, e.getValue()), newSettings.labelNames()));
        }
        errs.remove(key);
      } catch (ProtocolException ex) {
        errs.put(key, ex.getMessage());
      }
    }
    return new ConfigState(layout, seen, newSettings, newJobs, errs);
  }

  /** True when the settings or jobs in force differ from {@code other}'s (errors aside). */
  public boolean differsFrom(ConfigState other) {
    return !settings.equals(other.settings) || !jobs.equals(other.jobs);
  }

  /**
   * The job a {@code config/jobs/<job>} key names; null for folder keys; an error for anything
   * else.
   */
  private String jobName(String key) {
    if (!key.startsWith(layout.jobsDir())) {
      if (key.endsWith("/")) {
        return null;
      }
      throw new ProtocolException(
          key
              + ": unknown configuration key (expected "
              + layout.settings()
              + " or "
              + layout.jobsDir()
              + "<job>)");
    }
    String job = key.substring(layout.jobsDir().length());
    if (job.isEmpty()) {
      return null; // the folder itself, as the Consul UI creates it
    }
    if (!Names.isValid(job)) {
      throw new ProtocolException(
          key + ": invalid job name \"" + job + "\" (expected [A-Za-z0-9][A-Za-z0-9_.-]{0,127})");
    }
    return job;
  }

  private static byte[] nonEmpty(String key, byte[] value) {
    if (value == null || value.length == 0) {
      throw new ProtocolException(key + ": empty value (expected a JSON object)");
    }
    return value;
  }

  public Settings settings() {
    return settings;
  }

  public Map<String, JobSpec> jobs() {
    return jobs;
  }

  /**
   * Keys whose current value is rejected, with the reason; their last good version stays in force.
   */
  public Map<String, String> errors() {
    return errors;
  }
}

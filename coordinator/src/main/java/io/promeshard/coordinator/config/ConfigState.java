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
 * The configuration in force, rebuilt from every read of {@code config/}. Each key is parsed on its
 * own; a key that fails keeps its last good version in force and its error is reported under the
 * key. Deleting a job key removes the job; deleting {@code settings} restores the defaults.
 * One thread owns an instance.
 */
public final class ConfigState {
  private final KvLayout layout;
  private final Map<String, byte[]> lastSeen = new HashMap<>();
  private Settings settings = Settings.DEFAULTS;
  private final Map<String, JobSpec> jobs = new TreeMap<>();
  private final Map<String, String> errors = new TreeMap<>();

  public ConfigState(KvLayout layout) {
    this.layout = layout;
  }

  /** Applies a full read of {@code config/} (absolute key → value); returns true if the config in force changed. */
  public boolean update(Map<String, byte[]> values) {
    Settings oldSettings = settings;
    Map<String, JobSpec> oldJobs = new TreeMap<>(jobs);
    errors.keySet().removeIf(key -> !values.containsKey(key));
    lastSeen.keySet().removeIf(key -> !values.containsKey(key));
    if (!values.containsKey(layout.settings())) {
      settings = Settings.DEFAULTS;
    }
    jobs.keySet().removeIf(job -> !values.containsKey(layout.jobsDir() + job));
    for (Map.Entry<String, byte[]> e : new TreeMap<>(values).entrySet()) {
      String key = e.getKey();
      if (Arrays.equals(lastSeen.get(key), e.getValue())) {
        continue;
      }
      lastSeen.put(key, e.getValue());
      try {
        apply(key, e.getValue());
        errors.remove(key);
      } catch (ProtocolException ex) {
        errors.put(key, ex.getMessage());
      }
    }
    return !settings.equals(oldSettings) || !jobs.equals(oldJobs);
  }

  private void apply(String key, byte[] value) {
    if (key.equals(layout.settings())) {
      settings = Json.decode(key, nonEmpty(key, value), Settings.class);
    } else if (key.startsWith(layout.jobsDir())) {
      String job = key.substring(layout.jobsDir().length());
      if (job.isEmpty()) {
        return; // the folder itself, as the Consul UI creates it
      }
      if (!Names.isValid(job)) {
        throw new ProtocolException(key + ": invalid job name \"" + job + "\" (expected [A-Za-z0-9][A-Za-z0-9_.-]{0,127})");
      }
      jobs.put(job, Json.decode(key, nonEmpty(key, value), JobSpec.class));
    } else if (!key.endsWith("/")) {
      throw new ProtocolException(key + ": unknown configuration key (expected " + layout.settings() + " or " + layout.jobsDir() + "<job>)");
    }
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
    return Collections.unmodifiableMap(new TreeMap<>(jobs));
  }

  /** Keys whose current value is rejected, with the reason; their last good version stays in force. */
  public Map<String, String> errors() {
    return Collections.unmodifiableMap(new TreeMap<>(errors));
  }
}

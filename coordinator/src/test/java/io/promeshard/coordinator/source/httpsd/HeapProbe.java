package io.promeshard.coordinator.source.httpsd;

import io.promeshard.coordinator.config.HttpSdSourceSpec;
import java.time.Duration;
import okhttp3.OkHttpClient;

/**
 * Run by {@link BoundedAnswerHeapTest} in a JVM of its own with a small heap: one poll of an
 * http_sd source with the default limits against {@code args[0]}, printing the outcome.
 */
final class HeapProbe {
  private HeapProbe() {}

  public static void main(String[] args) {
    HttpSdSource source =
        new HttpSdSource(
            "probe/0 (http_sd)",
            new HttpSdSourceSpec(args[0], Duration.ofMinutes(1)),
            new OkHttpClient());
    String outcome;
    try {
      outcome = "targets: " + source.poll().groups().size();
    } catch (Exception e) {
      outcome = "error: " + e.getMessage();
    }
    System.out.println(outcome);
    System.out.println(
        "heap committed: " + Runtime.getRuntime().totalMemory() / (1024 * 1024) + " MiB");
    System.exit(0); // the client's idle connection would keep the JVM up for minutes
  }
}

package io.promeshard.bench.footprint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The native-memory breakdown of a JVM started with {@code -XX:NativeMemoryTracking=summary}: runs
 * {@code jcmd <pid> VM.native_memory summary scale=KB} (the jcmd next to the running java) and
 * reads the committed KiB of each category, the loaded classes and the threads. A jcmd that fails
 * or prints no categories (tracking off) throws IllegalStateException with its output.
 */
public final class NativeMemory {
  /** JVM option that turns the tracking on (it costs about 2 MiB of its own). */
  public static final String TRACKING = "-XX:NativeMemoryTracking=summary";

  private static final Pattern CATEGORY =
      Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);
  private static final Pattern TOTAL =
      Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB", Pattern.MULTILINE);
  private static final Pattern CLASSES = Pattern.compile("\\(classes #(\\d+)\\)");
  private static final Pattern THREADS = Pattern.compile("\\(thread #(\\d+)\\)");

  /**
   * One summary: committed KiB by category in jcmd's order, the total, loaded classes and live
   * threads.
   */
  public record Summary(
      Map<String, Long> committedKb, long totalCommittedKb, long classes, long threads) {
    public Summary {
      committedKb = Collections.unmodifiableMap(new LinkedHashMap<>(committedKb));
    }
  }

  private NativeMemory() {}

  /** Takes the summary of the JVM {@code pid} now. */
  public static Summary summary(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String output;
    int exit;
    try {
      Process p =
          new ProcessBuilder(
                  jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary", "scale=KB")
              .redirectErrorStream(true)
              .start();
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(jcmd + " " + pid + ": no answer within 30 s");
      }
      exit = p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException("running " + jcmd + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + jcmd, e);
    }
    if (exit != 0) {
      throw new IllegalStateException(jcmd + " " + pid + " exited " + exit + ": " + output);
    }
    return parse(output);
  }

  /** Reads the output of {@code VM.native_memory summary scale=KB}. */
  public static Summary parse(String output) {
    Map<String, Long> committed = new LinkedHashMap<>();
    Matcher m = CATEGORY.matcher(output);
    while (m.find()) {
      committed.put(m.group(1).strip(), Long.parseLong(m.group(3)));
    }
    Matcher total = TOTAL.matcher(output);
    if (committed.isEmpty() || !total.find()) {
      throw new IllegalStateException(
          "no native memory summary (was the JVM started with " + TRACKING + "?): " + output);
    }
    return new Summary(
        committed, Long.parseLong(total.group(2)), count(CLASSES, output), count(THREADS, output));
  }

  private static long count(Pattern p, String output) {
    Matcher m = p.matcher(output);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}

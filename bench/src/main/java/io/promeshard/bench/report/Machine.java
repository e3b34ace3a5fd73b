package io.promeshard.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * What the numbers were measured on: CPU, cores, memory, JVM and the load average, read from /proc.
 * Unreadable files give "unknown" rather than failing a benchmark.
 */
public final class Machine {
  private Machine() {}

  /** The 1, 5 and 15 minute load averages, e.g. {@code 2.95 3.10 3.02}. */
  public static String loadAverage() {
    String s = read(Path.of("/proc/loadavg"));
    String[] f = s.trim().split("\\s+", -1);
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
  }

  /** A few markdown lines describing the machine and the run. */
  public static String describe() {
    String cpu = "unknown";
    for (String line : read(Path.of("/proc/cpuinfo")).split("\n", -1)) {
      if (line.startsWith("model name")) {
        cpu = line.substring(line.indexOf(':') + 1).trim();
        break;
      }
    }
    String mem = "unknown";
    for (String line : read(Path.of("/proc/meminfo")).split("\n", -1)) {
      if (line.startsWith("MemTotal:")) {
        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        mem = (kb / 1024 / 1024) + " GiB";
        break;
      }
    }
    return "- date: "
        + ZonedDateTime.now(ZoneOffset.UTC)
            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            .replaceAll("\\.[0-9]+", "")
        + "\n"
        + "- cpu: "
        + cpu
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores visible to the JVM\n"
        + "- memory: "
        + mem
        + "\n"
        + "- jvm: "
        + System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version")
        + ", max heap "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024)
        + " MiB\n"
        + "- load average at start: "
        + loadAverage()
        + "\n";
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}

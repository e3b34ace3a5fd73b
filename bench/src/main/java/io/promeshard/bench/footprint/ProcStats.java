package io.promeshard.bench.footprint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory and CPU time of a process from Linux /proc: VmRSS, RssAnon, RssFile and VmHWM
 * from {@code /proc/<pid>/status}, utime + stime from {@code /proc/<pid>/stat} in clock ticks. A
 * process that is gone (or a system without /proc) throws UncheckedIOException naming the file.
 */
public final class ProcStats {
  /** Clock ticks per second of utime/stime; 100 on every Linux this runs on (getconf CLK_TCK). */
  public static final int CLOCK_TICKS = 100;

  private final long pid;

  public ProcStats(long pid) {
    this.pid = pid;
  }

  /** Resident set size in KiB. */
  public long rssKb() {
    return statusField("VmRSS:");
  }

  /**
   * Resident anonymous memory (heap, metaspace, code, stacks, malloc) in KiB: what the process
   * costs alone.
   */
  public long rssAnonKb() {
    return statusField("RssAnon:");
  }

  /**
   * Resident file-backed memory (libjvm.so, the CDS archive, jars) in KiB: shared with other JVMs
   * of the same JDK.
   */
  public long rssFileKb() {
    return statusField("RssFile:");
  }

  /** Peak resident set size since start, in KiB. */
  public long peakRssKb() {
    return statusField("VmHWM:");
  }

  /** User + system CPU time so far, in milliseconds. */
  public long cpuMillis() {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+", -1);
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat
    return ticks * 1000 / CLOCK_TICKS;
  }

  private long statusField(String name) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n", -1)) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).replace("kB", "").trim());
      }
    }
    throw new IllegalStateException("/proc/" + pid + "/status has no " + name);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + p, e);
    }
  }
}

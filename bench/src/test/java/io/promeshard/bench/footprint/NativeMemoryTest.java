package io.promeshard.bench.footprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeMemoryTest {
  @Test
  void readsCommittedKibPerCategoryClassesAndThreadsFromJcmdsSummary() throws Exception {
    NativeMemory.Summary s = NativeMemory.parse(fixture("nmt-summary.txt"));
    assertEquals(57_578, s.totalCommittedKb());
    assertEquals(16_384, s.committedKb().get("Java Heap"));
    assertEquals(13_260, s.committedKb().get("Metaspace"));
    assertEquals(12_060, s.committedKb().get("Shared class space"));
    assertEquals(1_689, s.committedKb().get("Native Memory Tracking"));
    assertEquals(
        List.of("Java Heap", "Class", "Thread"),
        s.committedKb().keySet().stream().limit(3).toList());
    assertEquals(19, s.committedKb().size());
    assertEquals(3_875, s.classes());
    assertEquals(21, s.threads());
  }

  @Test
  void anAnswerWithoutTrackingNamesTheMissingOption() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> NativeMemory.parse("12345:\nNative memory tracking is not enabled\n"));
    assertTrue(e.getMessage().contains(NativeMemory.TRACKING), e.getMessage());
  }

  @Test
  void theTableHasACategoryPerLineAndAColumnPerMeasuredRow() throws Exception {
    NativeMemory.Summary s = NativeMemory.parse(fixture("nmt-summary.txt"));
    FootprintBench.Row measured = row("-Xmx64m", s);
    FootprintBench.Row failed = row("-Xmx8m", null);
    String table = NativeMemoryTable.render("NMT", List.of(failed, measured));
    assertTrue(table.contains("| row 2 "), table);
    assertFalse(table.contains("| row 1 "), table);
    assertTrue(table.contains("| Java Heap ") && table.contains("| 16.0 "), table);
    assertTrue(table.contains("| other (7 categories) "), table);
    assertTrue(table.contains("| classes loaded ") && table.contains("3,875"), table);
    assertEquals("", NativeMemoryTable.render("NMT", List.of(failed)));
  }

  @Test
  void rowSettingsSplitIntoEnvironmentAndJvmOptions() {
    AgentCommand base =
        new AgentCommand("java", Map.of(), List.of("-Xmx64m"), List.of("-jar", "agent.jar"), false);
    AgentCommand c = base.with(List.of("MALLOC_ARENA_MAX=2", "-Xmx48m", "-Dx=y"));
    assertEquals(Map.of("MALLOC_ARENA_MAX", "2"), c.environment());
    assertEquals(List.of("-Xmx48m", "-Dx=y"), c.jvmOptions());
    assertEquals("MALLOC_ARENA_MAX=2 -Xmx48m -Dx=y", c.settings());
    assertEquals(
        List.of("java", "-Xmx48m", "-Dx=y", NativeMemory.TRACKING, "-jar", "agent.jar", "run"),
        c.plus(NativeMemory.TRACKING).command("run"));
  }

  @Test
  void theLaunchersExportedEnvironmentComesWithItsOptions(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("launcher");
    Files.writeString(
        script,
        """
        #!/bin/sh
        export MALLOC_ARENA_MAX=2
        exec "$java" \\
          -Xmx64m -Xss512k ${native_trim:+-XX:TrimNativeHeapInterval=5000} \\
          $JAVA_OPTS -jar "$jar" "$@"
        """);
    AgentCommand c = AgentCommand.classPath(script, "cp");
    assertEquals(Map.of("MALLOC_ARENA_MAX", "2"), c.environment());
    assertEquals(List.of("-Xmx64m", "-Xss512k", "-XX:TrimNativeHeapInterval=5000"), c.jvmOptions());
  }

  private static FootprintBench.Row row(String settings, NativeMemory.Summary nmt) {
    return new FootprintBench.Row(
        settings, nmt == null ? "failed" : "", 1, 1, 1, 2048, 1024, 0, 1, 1, 1, 1, 1, nmt);
  }

  private static String fixture(String name) throws Exception {
    try (InputStream in = NativeMemoryTest.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.agent.render.Renderer;
import io.promeshard.agent.render.Templates;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.NodeShare;
import io.promeshard.protocol.TargetGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Prometheus' file_sd sees while the agent rewrites a file: always a whole, valid file. */
class FileSdReaderTest {
  private static final int UPDATES = 500;
  private static final int MAX_READS = 5_000_000;

  @TempDir Path root;

  @Test
  void aReaderPollingDuring500RapidUpdatesNeverReadsInvalidJson() throws Exception {
    Applier applier =
        new Applier(
            new Renderer(Templates.bundled()),
            OutputConfig.of(root.resolve("file_sd"), root.resolve("rules"), null));
    applier.apply(share(0), null);
    Path file = root.resolve("file_sd/web.json");
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<List<String>> reader =
          pool.submit(
              () -> {
                List<String> problems = new ArrayList<>();
                int reads = 0;
                while (writing.get() && reads < MAX_READS && problems.size() < 5) {
                  reads++;
                  try {
                    List<TargetGroup> groups =
                        Json.decodeTargetGroups("web.json", Files.readAllBytes(file));
                    if (groups.size() != 3) {
                      problems.add("read " + groups.size() + " groups");
                    }
                  } catch (Exception e) {
                    problems.add(e.toString());
                  }
                }
                problems.add(0, "reads=" + reads);
                return problems;
              });

      for (int i = 1; i <= UPDATES; i++) {
        assertEquals(1, applier.apply(share(i), null).targetChanges().size(), "update " + i);
      }
      writing.set(false);

      List<String> problems = reader.get(60, TimeUnit.SECONDS);
      assertTrue(
          Integer.parseInt(problems.get(0).substring("reads=".length())) > 0, problems.get(0));
      assertEquals(
          List.of(),
          problems.subList(1, problems.size()),
          "reader saw invalid content; " + problems.get(0));
      assertEquals(
          share(UPDATES).targets().get("web"),
          Json.decodeTargetGroups("web.json", Files.readAllBytes(file)));
      assertEquals(
          List.of("web.json"), ApplierTest.visible(root.resolve("file_sd")), "no temp files left");
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
  }

  /**
   * Three groups whose size varies with {@code i}, so a torn read could not parse as the right
   * shape.
   */
  private static NodeShare share(int i) {
    List<TargetGroup> groups = new ArrayList<>();
    for (int g = 0; g < 3; g++) {
      groups.add(
          TargetGroup.of(
              "10.0." + g + "." + (i % 250) + ":9100",
              Map.of(
                  "generation",
                  Integer.toString(i),
                  "padding",
                  "x".repeat((i * 37 + g * 11) % 700))));
    }
    return new NodeShare(Map.of("web", groups), Map.of());
  }
}

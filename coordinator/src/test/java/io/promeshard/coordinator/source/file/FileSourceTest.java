package io.promeshard.coordinator.source.file;

import static io.promeshard.coordinator.source.RecordingListener.addresses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.coordinator.config.FileSourceSpec;
import io.promeshard.coordinator.source.DefaultSourceFactory;
import io.promeshard.coordinator.source.JobTargets;
import io.promeshard.coordinator.source.RecordingListener;
import io.promeshard.coordinator.source.SourceHealth;
import io.promeshard.coordinator.source.SourceManager;
import io.promeshard.protocol.TargetGroup;
import io.promeshard.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {
  /** Long refresh: anything seen sooner comes from the change check. */
  private static final Duration REFRESH = Duration.ofHours(1);

  private static final Duration CHECK = Duration.ofMillis(50);

  @TempDir Path dir;
  private FileSource source;
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private void copyFixture(String name, String as) throws IOException {
    try (InputStream in = getClass().getResourceAsStream(name)) {
      Files.copy(in, dir.resolve(as));
    }
  }

  private void start(String... patterns) {
    List<String> files = Arrays.stream(patterns).map(p -> dir.resolve(p).toString()).toList();
    source = new FileSource("web/0 (file)", new FileSourceSpec(files, REFRESH), CHECK);
    source.start(listener);
  }

  /** Rewrites a file so that size and modification time both change. */
  private void rewrite(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
    Files.writeString(file, content);
    if (before != null) {
      Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2000));
    }
  }

  @Test
  void readsJsonAndYamlFilesMatchingGlobsInPathOrder() throws Exception {
    copyFixture("nodes.json", "nodes.json");
    copyFixture("kafka.yml", "kafka.yml");
    copyFixture("zk.yaml", "zk.yaml");
    copyFixture("README.txt", "README.txt");
    start("*.yml", "*.json", "zk.yaml");

    RecordingListener.Event e = listener.next();
    assertEquals(null, e.error());
    assertEquals(
        List.of(
            "10.0.0.1:9308",
            "10.0.0.2:9308",
            "10.0.0.3:9309",
            "172.20.70.205:9100",
            "172.20.70.205:9091",
            "172.20.70.215:9091",
            "10.0.1.1:9141"),
        addresses(e.groups()));
    assertEquals(
        new TargetGroup(
            List.of("10.0.0.1:9308", "10.0.0.2:9308"),
            Map.of("env", "prod", "stree_gpa", "inf.middleware.kafka")),
        e.groups().get(0));
    assertEquals(Map.of(), e.groups().get(1).labels());
    assertEquals("prometheus-storage-01", e.groups().get(2).labels().get("name"));
    assertEquals(Map.of("env", "staging"), e.groups().get(4).labels());
  }

  @Test
  void changedFileIsPickedUpWithoutWaitingForRefresh() throws Exception {
    rewrite("a.json", "[{\"targets\":[\"a:1\"]}]");
    start("*.json");
    listener.awaitAddresses(List.of("a:1"));

    rewrite("a.json", "[{\"targets\":[\"a:1\",\"a:2\"],\"labels\":{\"env\":\"prod\"}}]");
    RecordingListener.Event e = listener.awaitAddresses(List.of("a:1", "a:2"));
    assertEquals(Map.of("env", "prod"), e.groups().get(0).labels());
  }

  @Test
  void newAndRemovedFilesChangeTheTargets() throws Exception {
    rewrite("a.json", "[{\"targets\":[\"a:1\"]}]");
    start("*.json");
    listener.awaitAddresses(List.of("a:1"));

    rewrite("b.json", "[{\"targets\":[\"b:1\"]}]");
    listener.awaitAddresses(List.of("a:1", "b:1"));

    Files.delete(dir.resolve("a.json"));
    listener.awaitAddresses(List.of("b:1"));
  }

  @Test
  void malformedFileKeepsItsLastGoodTargetsAndReportsTheFile() throws Exception {
    rewrite("a.json", "[{\"targets\":[\"a:1\"]}]");
    rewrite("b.json", "[{\"targets\":[\"b:1\"]}]");
    start("*.json");
    listener.awaitAddresses(List.of("a:1", "b:1"));

    try (InputStream in = getClass().getResourceAsStream("broken.json")) {
      rewrite("b.json", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    rewrite("a.json", "[{\"targets\":[\"a:2\"]}]");
    // the healthy file is fresh, the broken one keeps its last good targets, then the error follows
    RecordingListener.Event e = listener.awaitAddresses(List.of("a:2", "b:1"));
    assertEquals(null, e.error());
    RecordingListener.Event error = listener.next();
    assertTrue(error.isError(), "expected an error after the partial result, got " + error);
    assertTrue(
        error.error().getMessage().contains(dir.resolve("b.json").toString()),
        error.error().getMessage());

    rewrite("b.json", "[{\"targets\":[\"b:2\"]}]");
    listener.awaitAddresses(List.of("a:2", "b:2"));
  }

  @Test
  void fileThatNeverParsedFailsTheRefreshInsteadOfShrinkingTheSource() throws Exception {
    copyFixture("broken.json", "broken.json");
    copyFixture("nodes.json", "nodes.json");
    start("*.json");

    // no smaller result that looks whole: the first report is the error naming file and reason
    RecordingListener.Event first = listener.next();
    assertTrue(first.isError(), "expected an error before any targets, got " + first);
    String message = first.error().getMessage();
    assertTrue(
        message.contains("source incomplete")
            && message.contains(dir.resolve("broken.json").toString())
            && message.contains("end-of-input"),
        message);

    rewrite("broken.json", "[{\"targets\":[\"10.9.9.9:9100\"]}]");
    listener.awaitAddresses(
        List.of("10.9.9.9:9100", "172.20.70.205:9100", "172.20.70.205:9091", "172.20.70.215:9091"));
  }

  @Test
  void jobWhoseFileNeverParsedStaysIncompleteWithTheFileInItsHealth() throws Exception {
    copyFixture("broken.json", "broken.json");
    copyFixture("nodes.json", "nodes.json");
    AtomicReference<Map<String, JobTargets>> notified = new AtomicReference<>();
    try (SourceManager manager =
        new SourceManager(new DefaultSourceFactory(new OkHttpClient(), null), notified::set)) {
      manager.start();
      FileSourceSpec spec = new FileSourceSpec(List.of(dir.resolve("*.json").toString()), null);
      manager.setJobs(Map.of("web", List.of(spec)));
      SourceHealth health =
          Await.value(
              RecordingListener.TIMEOUT,
              "the error in the source's health",
              () -> {
                SourceHealth h = manager.health().get("web").get(0);
                return h.lastError() == null ? null : h;
              });
      assertTrue(
          health.failing() && health.lastError().contains(dir.resolve("broken.json").toString()),
          health.toString());
      JobTargets web = manager.snapshot().get("web");
      assertFalse(web.complete(), web.toString());
      assertEquals(List.of(), web.groups());

      rewrite("broken.json", "[{\"targets\":[\"10.9.9.9:9100\"]}]");
      Await.until(
          RecordingListener.TIMEOUT,
          "complete targets",
          () -> manager.snapshot().get("web").complete());
      assertEquals(4, manager.snapshot().get("web").size());
    }
  }

  @Test
  void newFileThatDoesNotParseKeepsTheWholeLastResult() throws Exception {
    rewrite("a.json", "[{\"targets\":[\"a:1\"]}]");
    start("*.json");
    listener.awaitAddresses(List.of("a:1"));

    rewrite("b.json", "[{\"targets\":[");
    Exception error = listener.next().error();
    assertTrue(
        error != null && error.getMessage().contains(dir.resolve("b.json").toString()),
        String.valueOf(error));
    rewrite("b.json", "[{\"targets\":[\"b:1\"]}]");
    listener.awaitAddresses(List.of("a:1", "b:1"));
  }

  @Test
  void unknownFieldInYamlIsAnErrorNamingFileAndField() throws Exception {
    copyFixture("unknown-field.yml", "x.yml");
    start("*.yml");

    String message = listener.next().error().getMessage();
    assertTrue(
        message.contains(dir.resolve("x.yml").toString()) && message.contains("\"label\""),
        message);
  }

  @Test
  void missingFilesAndDirectoriesMatchNothingWithoutError() throws Exception {
    start("absent.json", "nodir/*.json");
    RecordingListener.Event e = listener.next();
    assertEquals(List.of(), e.groups());

    rewrite("absent.json", "[{\"targets\":[\"late:1\"]}]");
    listener.awaitAddresses(List.of("late:1"));
  }
}

package io.promeshard.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A reader polling output directories during a fault, as Prometheus does: every {@code *.json} must
 * parse as a file_sd list of {@code {targets, labels}} groups, every {@code *.yml} as a rule file
 * with {@code groups}. A file that does not (truncated, half-written, wrong shape) is counted as
 * bad, once per distinct content seen. A file that vanished between listing and reading is not bad:
 * Prometheus reads what is there.
 */
final class OutputReader implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final long POLL_MILLIS = 20;

  private final List<Path> dirs;
  private Poller poller;
  private final List<String> bad = new ArrayList<>();
  private int reads;

  private OutputReader(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  /** Starts polling {@code dirs} (missing ones are skipped until they appear). */
  static OutputReader watching(List<Path> dirs) {
    OutputReader reader = new OutputReader(dirs);
    reader.poller = Poller.start("output-reader", POLL_MILLIS, reader::readAllDirs);
    return reader;
  }

  /** The bad files seen so far, each as {@code path: why}. */
  synchronized List<String> bad() {
    return List.copyOf(bad);
  }

  /** How many file reads were made (to show the reader really ran). */
  synchronized int reads() {
    return reads;
  }

  private void readAllDirs() {
    for (Path dir : dirs) {
      readAll(dir);
    }
  }

  private void readAll(Path dir) {
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.toList();
    } catch (IOException e) {
      return;
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.endsWith(".json") || name.endsWith(".yml") || name.endsWith(".yaml")) {
        check(file, name.endsWith(".json"));
      }
    }
  }

  private void check(Path file, boolean json) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      record(file + ": unreadable: " + e.getMessage());
      return;
    }
    String problem = json ? fileSdProblem(content) : ruleFileProblem(content);
    synchronized (this) {
      reads++;
    }
    if (problem != null) {
      record(file + ": " + problem + " (" + content.length + " bytes)");
    }
  }

  private static String fileSdProblem(byte[] content) {
    try {
      JsonNode root = JSON.readTree(content);
      if (root == null || !root.isArray()) {
        return "not a JSON list";
      }
      for (JsonNode group : root) {
        if (!group.path("targets").isArray()) {
          return "a group without a targets list";
        }
      }
      return null;
    } catch (IOException e) {
      return "not JSON: " + e.getMessage().lines().findFirst().orElse("");
    }
  }

  private static String ruleFileProblem(byte[] content) {
    try {
      JsonNode root = YAML.readTree(content);
      if (root == null || !root.path("groups").isArray()) {
        return "no groups list";
      }
      return null;
    } catch (IOException e) {
      return "not YAML: " + e.getMessage().lines().findFirst().orElse("");
    }
  }

  private synchronized void record(String problem) {
    if (!bad.contains(problem)) {
      bad.add(problem);
    }
  }

  @Override
  public void close() {
    poller.close();
  }
}

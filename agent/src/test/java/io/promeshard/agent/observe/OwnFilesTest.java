package io.promeshard.agent.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnFilesTest {
  @TempDir Path root;

  @Test
  void aFileDirectlyInTheDirectoryIsOursUnderItsNameOthersAreNot() throws IOException {
    Path dir = Files.createDirectories(root.resolve("sd"));
    OwnFiles files = new OwnFiles(dir, ".json");
    assertEquals("web", files.nameOf(dir + "/web.json"));
    assertEquals("web", files.nameOf(root + "/x/../sd/web.json"), "compared normalized");
    assertNull(files.nameOf(dir + "/web.yml"), "another extension");
    assertNull(files.nameOf(dir + "/.json"), "no name");
    assertNull(files.nameOf(dir + "/sub/web.json"), "a subdirectory");
    assertNull(files.nameOf(root + "/other/web.json"), "another directory");
    assertNull(files.nameOf("sd/web.json"), "relative to Prometheus' working directory");
    assertNull(files.nameOf(null));
    assertEquals(dir.resolve("web.json"), files.file("web"));
  }

  @Test
  void aDirectoryPrometheusReadsThroughASymlinkIsOurs() throws IOException {
    Path dir = Files.createDirectories(root.resolve("real"));
    Path link = Files.createSymbolicLink(root.resolve("link"), dir);
    assertEquals("web", new OwnFiles(dir, ".json").nameOf(link + "/web.json"));
    assertEquals("web", new OwnFiles(link, ".json").nameOf(dir + "/web.json"));
  }
}

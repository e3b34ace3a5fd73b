package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesANewFileAndReplacesChangedContent() throws Exception {
    Path f = dir.resolve("web.json");
    assertTrue(AtomicFiles.write(f, bytes("[1]")));
    assertEquals("[1]", Files.readString(f));
    Object inode = inode(f);

    assertTrue(AtomicFiles.write(f, bytes("[2]")));
    assertEquals("[2]", Files.readString(f));
    assertNotEquals(
        inode, inode(f), "a changed file is replaced by rename, not rewritten in place");
    assertEquals(List.of("web.json"), names());
  }

  @Test
  void identicalBytesAreNotRewritten() throws Exception {
    Path f = dir.resolve("web.json");
    AtomicFiles.write(f, bytes("[1]"));
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(f, old);
    Object inode = inode(f);

    assertFalse(AtomicFiles.write(f, bytes("[1]")));

    assertEquals(old, Files.getLastModifiedTime(f));
    assertEquals(inode, inode(f));
  }

  @Test
  void tempFileNamesMatchNoPrometheusGlob() throws Exception {
    PathMatcher json = FileSystems.getDefault().getPathMatcher("glob:*.json");
    PathMatcher yml = FileSystems.getDefault().getPathMatcher("glob:*.yml");
    for (String target : List.of("web.json", "heavy.yml")) {
      try (AtomicFiles.Staged s = AtomicFiles.stage(dir.resolve(target), bytes("x"))) {
        Path name = s.temp().getFileName();
        assertTrue(name.toString().startsWith("." + target + ".tmp-"), name.toString());
        assertFalse(json.matches(name) || yml.matches(name), name + " matches a glob");
        assertEquals(dir.toAbsolutePath(), s.temp().getParent());
        assertEquals(Optional.of(target), AtomicFiles.stagedFor(name.toString()));
        assertFalse(Files.exists(dir.resolve(target)), "nothing is installed before commit");
      }
    }
    assertEquals(List.of(), names(), "closing an uncommitted stage deletes its temp file");
  }

  @Test
  void failedRenameLeavesNoTempFile() throws Exception {
    Path target = Files.createDirectories(dir.resolve("web.json"));
    Files.writeString(target.resolve("inside"), "keeps the directory non-empty");

    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, bytes("[]")));

    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    assertEquals(List.of("web.json"), names());
  }

  @Test
  void keepsThePermissionsOfTheFileItReplaces() throws Exception {
    Path f = dir.resolve("web.json");
    AtomicFiles.write(f, bytes("[1]"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    AtomicFiles.write(f, bytes("[2]"));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @Test
  void deleteReportsWhetherTheFileExisted() throws Exception {
    Path f = dir.resolve("web.json");
    AtomicFiles.write(f, bytes("[1]"));
    assertTrue(AtomicFiles.delete(f));
    assertFalse(AtomicFiles.delete(f));
    assertEquals(Optional.empty(), AtomicFiles.read(f).map(String::new));
  }

  @Test
  void onlyNamesOfThisShapeCountAsTempFiles() {
    assertEquals(Optional.of("web.json"), AtomicFiles.stagedFor(".web.json.tmp-1x2z"));
    assertEquals(Optional.empty(), AtomicFiles.stagedFor("web.json"));
    assertEquals(Optional.empty(), AtomicFiles.stagedFor(".web.json.tmp-"));
    assertEquals(Optional.empty(), AtomicFiles.stagedFor("web.json.tmp-12"));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static Object inode(Path f) throws IOException {
    return Files.getAttribute(f, "unix:ino");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

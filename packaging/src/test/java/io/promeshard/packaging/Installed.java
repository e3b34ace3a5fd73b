package io.promeshard.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Assertions and small edits on files the packages installed; IO failures throw
 * UncheckedIOException naming the path.
 */
final class Installed {
  private Installed() {}

  /** Asserts owner, group and {@code rwxr-xr-x}-style mode of {@code p}. */
  static void assertOwnedBy(Path p, String owner, String group, String mode) {
    assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS), () -> p + " does not exist");
    PosixFileAttributes a = attributes(p);
    String actual =
        a.owner().getName()
            + ":"
            + a.group().getName()
            + " "
            + PosixFilePermissions.toString(a.permissions());
    assertEquals(owner + ":" + group + " " + mode, actual, () -> "ownership and mode of " + p);
  }

  static void assertGone(Path p) {
    assertTrue(!Files.exists(p, LinkOption.NOFOLLOW_LINKS), () -> p + " still exists");
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + p, e);
    }
  }

  static void write(Path p, String content) {
    try {
      Files.writeString(p, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + p, e);
    }
  }

  static byte[] bytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + p, e);
    }
  }

  private static PosixFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException("reading attributes of " + p, e);
    }
  }
}

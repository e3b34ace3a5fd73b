package io.promeshard.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Repacks a .deb with dpkg-deb under a higher version, to test upgrades; dpkg-deb failures throw
 * AssertionError.
 */
final class DebRebuild {
  private DebRebuild() {}

  static Path withVersionSuffix(Path deb, String suffix, Path workDir) {
    Path tree = workDir.resolve("tree");
    Exec.run("dpkg-deb", "--raw-extract", deb.toString(), tree.toString()).ok();
    Path control = tree.resolve("DEBIAN/control");
    try {
      String text = Files.readString(control, StandardCharsets.UTF_8);
      String bumped = text.replaceFirst("(?m)^Version: (.+)$", "Version: $1" + suffix);
      if (bumped.equals(text)) {
        throw new AssertionError("no Version field in " + control);
      }
      Files.writeString(control, bumped, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("rewriting " + control, e);
    }
    Path out = workDir.resolve("upgrade.deb");
    Exec.run("dpkg-deb", "-Zgzip", "-z1", "--build", tree.toString(), out.toString()).ok();
    return out;
  }
}

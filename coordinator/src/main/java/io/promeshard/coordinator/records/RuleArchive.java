package io.promeshard.coordinator.records;

import io.promeshard.protocol.RecordRule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * Writes the whole registry as one Prometheus rule file {@code record_<count>_<yyyy-MM-dd>.yml}
 * (the original system's archive, for the record and for loading by hand): written to a temporary
 * file in the same directory whose name does not end in {@code .yml}, fsync'ed, then renamed, so a
 * reader never sees half a file. Failures are IOExceptions naming the path.
 */
public final class RuleArchive {
  private RuleArchive() {}

  public static String fileName(int count, LocalDate date) {
    return "record_" + count + "_" + date + ".yml";
  }

  /**
   * Writes {@code rules} (in order) as group {@code group} with {@code interval}; returns the file
   * written.
   */
  public static Path write(
      Path dir, String group, Duration interval, List<RecordRule> rules, LocalDate date)
      throws IOException {
    byte[] bytes = RuleFiles.yaml(group, interval, rules).getBytes(StandardCharsets.UTF_8);
    Path target = dir.resolve(fileName(rules.size(), date));
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, ".record_", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: keep the default permissions
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // some file systems cannot fsync a directory; the rename itself is atomic
      }
    } catch (IOException e) {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
      throw new IOException("writing archive " + target + ": " + e.getMessage(), e);
    }
    return target;
  }
}

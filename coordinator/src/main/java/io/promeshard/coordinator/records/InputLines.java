package io.promeshard.coordinator.records;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Streams a file's lines as raw bytes (without the line terminator), so that each line is decoded
 * on its own and one bad line cannot spoil the rest. A file that cannot be opened throws {@link
 * InputFileException}; a read failure midway is an IOException naming the file.
 */
final class InputLines {
  /** Longer lines are reported as truncated and their content dropped. */
  static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

  /** Receives each line; {@code truncated} lines carry no bytes. */
  interface Handler {
    void line(long number, byte[] bytes, boolean truncated);
  }

  private InputLines() {}

  static void forEach(String what, Path file, Handler handler) throws IOException {
    if (Files.isDirectory(file)) {
      throw new InputFileException(what + " " + file + ": is a directory", null);
    }
    InputStream raw;
    try {
      raw = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new InputFileException(what + " " + file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new InputFileException(what + " " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new InputFileException(what + " " + file + ": cannot open: " + e.getMessage(), e);
    }
    try (InputStream in = raw) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(256);
      byte[] buf = new byte[64 * 1024];
      boolean truncated = false;
      boolean pending = false;
      long number = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') {
            continue;
          }
          truncated = append(line, buf, start, i - start, truncated);
          handler.line(++number, truncated ? new byte[0] : line.toByteArray(), truncated);
          line.reset();
          truncated = false;
          start = i + 1;
        }
        truncated = append(line, buf, start, n - start, truncated);
        pending = line.size() > 0 || truncated;
      }
      if (pending) {
        handler.line(++number, truncated ? new byte[0] : line.toByteArray(), truncated);
      }
    } catch (IOException e) {
      throw new IOException("reading " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  /** Appends unless the line is already over the limit; returns whether it is (now) truncated. */
  private static boolean append(
      ByteArrayOutputStream line, byte[] buf, int from, int len, boolean truncated) {
    if (truncated || len == 0) {
      return truncated;
    }
    if (line.size() + len > MAX_LINE_BYTES) {
      line.reset();
      return true;
    }
    line.write(buf, from, len);
    return false;
  }
}

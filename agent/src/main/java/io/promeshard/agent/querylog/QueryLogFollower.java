package io.promeshard.agent.querylog;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Follows one file the way {@code tail -F} does, for the query log Prometheus appends to: each
 * {@link #poll} hands over the complete lines appended since the last one. It reads only the file
 * it was given. When the file exists at the first poll it starts at its end (what was logged before
 * the agent ran is not news); a file that appears later is read from its start; a file that is
 * replaced (rotated: a new file under the name) is read to its end, then the new one from its
 * start; a file that shrinks (truncated) is read again from its start. A line longer than {@link
 * #MAX_LINE} bytes is handed over as {@code null} once, and the rest of it skipped. Used by one
 * thread.
 */
final class QueryLogFollower implements Closeable {
  /** The longest line kept; longer ones are reported as too long. */
  static final int MAX_LINE = 128 * 1024;

  private static final int CHUNK = 64 * 1024;

  /** Receives each complete line, without its newline; {@code null} for one too long. */
  interface Lines {
    void line(byte[] line);
  }

  private final Path file;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
  private FileChannel channel;
  private Object fileKey;
  private long position;
  private boolean seenBefore;
  private boolean skippingLongLine;

  QueryLogFollower(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  /**
   * Reads what was appended since the last call and hands over its complete lines; true when the
   * file could be read (false while it does not exist).
   */
  boolean poll(Lines out) throws IOException {
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      if (channel != null) {
        drain(out); // renamed away, nothing in its place yet: finish the old file
      }
      seenBefore = true; // a log that appears later is new: read it from its start
      return false;
    }
    if (channel != null && !Objects.equals(key(now), fileKey)) {
      drain(out); // rotated: the rest of the old file, then the new one from its start
      close();
    }
    if (channel == null) {
      channel = FileChannel.open(file, StandardOpenOption.READ);
      fileKey = key(now);
      position = seenBefore ? 0 : channel.size();
      seenBefore = true;
      partial.reset();
      skippingLongLine = false;
    }
    if (channel.size() < position) {
      position = 0; // truncated in place
      partial.reset();
      skippingLongLine = false;
    }
    drain(out);
    return true;
  }

  /** The byte offset read up to in the current file. */
  long position() {
    return position;
  }

  private void drain(Lines out) throws IOException {
    while (true) {
      buffer.clear();
      int n = channel.read(buffer, position);
      if (n <= 0) {
        return;
      }
      position += n;
      byte[] bytes = buffer.array();
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (bytes[i] == '\n') {
          append(bytes, start, i - start, out);
          if (skippingLongLine) {
            skippingLongLine = false; // the end of a line already handed over as too long
          } else {
            out.line(partial.toByteArray());
          }
          partial.reset();
          start = i + 1;
        }
      }
      append(bytes, start, n - start, out);
    }
  }

  /** Adds part of a line; a line growing past {@link #MAX_LINE} is handed over as null, once. */
  private void append(byte[] bytes, int from, int length, Lines out) {
    if (skippingLongLine || length == 0) {
      return;
    }
    partial.write(bytes, from, length);
    if (partial.size() > MAX_LINE) {
      out.line(null);
      skippingLongLine = true;
      partial.reset();
    }
  }

  private static Object key(BasicFileAttributes a) {
    return a.fileKey() != null ? a.fileKey() : a.creationTime();
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}

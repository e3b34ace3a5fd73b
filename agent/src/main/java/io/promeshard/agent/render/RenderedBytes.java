package io.promeshard.agent.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Immutable rendered output held in blocks of {@value #BLOCK} bytes, with its sha256 computed while
 * it was written. A large file_sd file is never copied into one array: it is streamed to disk, to
 * the parse-back check and into a comparison with the file already on disk, so rendering a job
 * costs the output's size once instead of three or four times.
 */
public final class RenderedBytes {
  static final int BLOCK = 64 * 1024;

  private final List<byte[]> blocks;
  private final long size;
  private final String sha256;

  private RenderedBytes(List<byte[]> blocks, long size, String sha256) {
    this.blocks = List.copyOf(blocks);
    this.size = size;
    this.sha256 = sha256;
  }

  /** A copy of {@code bytes}. */
  public static RenderedBytes of(byte[] bytes) {
    Sink s = new Sink();
    s.write(bytes, 0, bytes.length);
    return s.finish();
  }

  public long size() {
    return size;
  }

  /** Lowercase hex sha256 of the content. */
  public String sha256() {
    return sha256;
  }

  /** The content in one new array (for small outputs: rule files, tests). */
  public byte[] toArray() {
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "rendered output of " + size + " bytes does not fit an array");
    }
    byte[] out = new byte[(int) size];
    int at = 0;
    for (byte[] b : blocks) {
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    return out;
  }

  public void writeTo(OutputStream out) throws IOException {
    for (byte[] b : blocks) {
      out.write(b);
    }
  }

  /** Reads the content (e.g. to parse it back). */
  public InputStream open() {
    return new InputStream() {
      private int block;
      private int pos;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] dst, int off, int len) {
        while (block < blocks.size() && pos == blocks.get(block).length) {
          block++;
          pos = 0;
        }
        if (block == blocks.size()) {
          return -1;
        }
        if (len == 0) {
          return 0;
        }
        byte[] b = blocks.get(block);
        int n = Math.min(len, b.length - pos);
        System.arraycopy(b, pos, dst, off, n);
        pos += n;
        return n;
      }
    };
  }

  /**
   * Whether {@code file} is a regular file holding exactly this content, read block by block; false
   * when it does not exist.
   */
  public boolean matches(Path file) throws IOException {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) != size) {
        return false;
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buf = new byte[BLOCK];
        for (byte[] b : blocks) {
          if (in.readNBytes(buf, 0, b.length) != b.length
              || !Arrays.equals(buf, 0, b.length, b, 0, b.length)) {
            return false;
          }
        }
        return in.read() < 0;
      }
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new IOException("reading " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RenderedBytes r) || r.size != size || !r.sha256.equals(sha256)) {
      return false;
    }
    try (InputStream a = open();
        InputStream b = r.open()) {
      byte[] x = new byte[BLOCK];
      byte[] y = new byte[BLOCK];
      int n;
      while ((n = a.readNBytes(x, 0, BLOCK)) > 0) {
        if (b.readNBytes(y, 0, n) != n || !Arrays.equals(x, 0, n, y, 0, n)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new IllegalStateException("in-memory stream failed", e);
    }
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  /** Collects written bytes into blocks; {@link #finish()} once. */
  static final class Sink extends OutputStream {
    private final List<byte[]> blocks = new ArrayList<>();
    private final MessageDigest digest = sha256Digest();
    private byte[] current = new byte[BLOCK];
    private int pos;
    private long size;

    @Override
    public void write(int b) {
      if (pos == current.length) {
        flushBlock();
      }
      current[pos++] = (byte) b;
      size++;
    }

    @Override
    public void write(byte[] src, int off, int len) {
      while (len > 0) {
        if (pos == current.length) {
          flushBlock();
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(src, off, current, pos, n);
        pos += n;
        off += n;
        len -= n;
        size += n;
      }
    }

    private void flushBlock() {
      digest.update(current, 0, pos);
      blocks.add(current);
      current = new byte[BLOCK];
      pos = 0;
    }

    RenderedBytes finish() {
      digest.update(current, 0, pos);
      if (pos > 0) {
        blocks.add(Arrays.copyOf(current, pos));
      }
      current = null;
      return new RenderedBytes(blocks, size, HexFormat.of().formatHex(digest.digest()));
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}

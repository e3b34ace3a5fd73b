package io.promeshard.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip for stored parts ({@code java.util.zip}). Compression is deterministic (no timestamp in the
 * header, fixed level 6: level 9 costs 3.5 times the CPU for 8 % fewer bytes on share JSON), so an
 * unchanged part keeps its checksum and is not rewritten. Decompression stops at a size limit, so a
 * corrupt or hostile value cannot exhaust memory.
 */
public final class Gzip {
  /** The manifest's name for this encoding. */
  public static final String ENCODING = "gzip";

  /** The most bytes one part may expand to: far above any chunk the coordinator writes. */
  public static final int MAX_EXPANDED_BYTES = 64 * 1024 * 1024;

  private static final int LEVEL = 6;

  private Gzip() {}

  public static byte[] compress(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 6 + 64);
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out, 8192) {
          {
            def.setLevel(LEVEL);
          }
        }) {
      gz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException("compressing in memory", e);
    }
    return out.toByteArray();
  }

  /**
   * The plain bytes of {@code compressed}.
   *
   * @throws ProtocolException naming {@code where} when the value is not gzip or expands past
   *     {@link #MAX_EXPANDED_BYTES}
   */
  public static byte[] decompress(String where, byte[] compressed) {
    return decompress(where, compressed, MAX_EXPANDED_BYTES);
  }

  /**
   * The plain bytes of {@code compressed}, at most {@code max} of them.
   *
   * @throws TooLargeException when it expands past {@code max}
   * @throws ProtocolException naming {@code where} when the value is not gzip
   */
  public static byte[] decompress(String where, byte[] compressed, long max) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 6 + 64);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        long size = (long) out.size() + n;
        if (size > Math.min(max, MAX_EXPANDED_BYTES)) {
          throw new TooLargeException(
              where + ": expands past " + Math.min(max, MAX_EXPANDED_BYTES) + " bytes; refusing it",
              size,
              Math.min(max, MAX_EXPANDED_BYTES));
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      throw new ProtocolException(where + ": not a valid gzip value: " + e.getMessage());
    }
    return out.toByteArray();
  }
}

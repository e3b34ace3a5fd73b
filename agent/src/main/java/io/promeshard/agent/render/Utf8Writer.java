package io.promeshard.agent.render;

import java.io.Writer;

/**
 * Encodes characters as UTF-8 into a {@link RenderedBytes.Sink}, byte for byte what an {@code
 * OutputStreamWriter} for UTF-8 writes (a lone surrogate becomes {@code ?}), without its per-call
 * locking and buffering: Mustache writes a file_sd file as one small write per text segment and
 * value, a hundred thousand of them for 10,000 targets. Used by one thread; the sink never fails.
 */
final class Utf8Writer extends Writer {
  private static final int BUFFER = 8 * 1024;
  private static final int CHUNK = 1024;

  private final RenderedBytes.Sink sink;
  private final byte[] buf = new byte[BUFFER];
  private final char[] chars = new char[CHUNK];
  private int pos;

  /** A high surrogate written last, waiting for its low half (0: none). */
  private char high;

  Utf8Writer(RenderedBytes.Sink sink) {
    this.sink = sink;
  }

  @Override
  public void write(int c) {
    put((char) c);
  }

  @Override
  public void write(char[] chars, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end) {
      if (pos == buf.length) {
        drain();
      }
      // ASCII goes straight in; anything else (and a pending surrogate) takes put()
      int stop = Math.min(end, i + buf.length - pos);
      while (i < stop && high == 0 && chars[i] < 0x80) {
        buf[pos++] = (byte) chars[i++];
      }
      if (i < stop) {
        put(chars[i++]);
      }
    }
  }

  @Override
  public void write(String s, int off, int len) {
    for (int at = off; at < off + len; at += CHUNK) {
      int n = Math.min(CHUNK, off + len - at);
      s.getChars(at, at + n, chars, 0);
      write(chars, 0, n);
    }
  }

  @Override
  public Writer append(CharSequence csq, int start, int end) {
    CharSequence s = csq == null ? "null" : csq;
    if (s instanceof String str) {
      write(str, start, end - start);
    } else {
      for (int i = start; i < end; i++) {
        put(s.charAt(i));
      }
    }
    return this;
  }

  private void put(char c) {
    if (pos + 4 > buf.length) {
      drain();
    }
    if (high != 0) {
      char h = high;
      high = 0;
      if (Character.isLowSurrogate(c)) {
        int cp = Character.toCodePoint(h, c);
        buf[pos++] = (byte) (0xf0 | (cp >> 18));
        buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        buf[pos++] = (byte) (0x80 | (cp & 0x3f));
        return;
      }
      buf[pos++] = '?';
      if (pos + 4 > buf.length) {
        drain();
      }
    }
    if (c < 0x80) {
      buf[pos++] = (byte) c;
    } else if (c < 0x800) {
      buf[pos++] = (byte) (0xc0 | (c >> 6));
      buf[pos++] = (byte) (0x80 | (c & 0x3f));
    } else if (Character.isHighSurrogate(c)) {
      high = c;
    } else if (Character.isLowSurrogate(c)) {
      buf[pos++] = '?';
    } else {
      buf[pos++] = (byte) (0xe0 | (c >> 12));
      buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
      buf[pos++] = (byte) (0x80 | (c & 0x3f));
    }
  }

  private void drain() {
    sink.write(buf, 0, pos);
    pos = 0;
  }

  /** Writes out what is buffered (a trailing lone high surrogate stays until {@link #close}). */
  @Override
  public void flush() {
    drain();
  }

  /** Flushes; a high surrogate left without its low half becomes {@code ?}. */
  @Override
  public void close() {
    if (high != 0) {
      high = 0;
      if (pos + 1 > buf.length) {
        drain();
      }
      buf[pos++] = '?';
    }
    drain();
  }
}

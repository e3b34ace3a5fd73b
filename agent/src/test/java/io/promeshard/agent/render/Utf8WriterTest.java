package io.promeshard.agent.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8WriterTest {
  /** Characters of every UTF-8 length, surrogate pairs, and lone halves of pairs. */
  private static final String[] PIECES = {
    "a",
    "{\"targets\": [",
    "\u00e9",
    "\u07ff",
    "\u0800",
    "\u4e2d",
    "\uffff",
    "\ud83c\udf89",
    "\ud83c",
    "\udf89",
    "\ud800\ud800",
    "\n",
    "\u0000",
    "\u007f"
  };

  @Test
  void writesTheBytesOfAnOutputStreamWriterForUtf8WhateverTheWriteSizes() throws Exception {
    Random random = new Random(11);
    for (int round = 0; round < 40; round++) {
      List<String> writes = new ArrayList<>();
      int count = random.nextInt(round < 20 ? 40 : 600);
      for (int i = 0; i < count; i++) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(random.nextInt(10) == 0 ? 2500 : 8);
        for (int j = 0; j < n; j++) {
          sb.append(PIECES[random.nextInt(PIECES.length)]);
        }
        writes.add(sb.toString());
      }
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      RenderedBytes.Sink sink = new RenderedBytes.Sink();
      try (Writer jdk = new OutputStreamWriter(expected, StandardCharsets.UTF_8);
          Writer ours = new Utf8Writer(sink)) {
        for (String w : writes) {
          switch (random.nextInt(4)) {
            case 0 -> {
              jdk.write(w);
              ours.write(w);
            }
            case 1 -> {
              jdk.write(w.toCharArray());
              ours.write(w.toCharArray());
            }
            case 2 -> {
              jdk.append(CharBuffer.wrap(w), 0, w.length());
              ours.append(CharBuffer.wrap(w), 0, w.length());
            }
            default -> {
              for (int i = 0; i < w.length(); i++) {
                jdk.write(w.charAt(i));
                ours.write(w.charAt(i));
              }
            }
          }
        }
      }
      assertArrayEquals(expected.toByteArray(), sink.finish().toArray(), "round " + round);
    }
  }
}

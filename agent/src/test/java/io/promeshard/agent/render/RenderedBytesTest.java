package io.promeshard.agent.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.Checksums;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderedBytesTest {
  @TempDir Path dir;

  @Test
  void contentSpanningBlocksStreamsComparesAndHashesAsOneArray() throws Exception {
    byte[] bytes = new byte[3 * RenderedBytes.BLOCK + 17];
    new Random(7).nextBytes(bytes);
    RenderedBytes r = RenderedBytes.of(bytes);
    assertEquals(bytes.length, r.size());
    assertEquals(Checksums.sha256Hex(bytes), r.sha256());
    assertArrayEquals(bytes, r.toArray());
    try (InputStream in = r.open()) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.writeTo(out);
    assertArrayEquals(bytes, out.toByteArray());

    Path f = dir.resolve("f.json");
    assertFalse(r.matches(f), "absent");
    Files.write(f, bytes);
    assertTrue(r.matches(f));
    bytes[2 * RenderedBytes.BLOCK + 5] ^= 1;
    Files.write(f, bytes);
    assertFalse(r.matches(f), "one byte differs");
    assertNotEquals(r, RenderedBytes.of(bytes));
    bytes[2 * RenderedBytes.BLOCK + 5] ^= 1;
    assertEquals(r, RenderedBytes.of(bytes));
    Files.write(f, new byte[0]);
    assertFalse(r.matches(f), "other size");
    assertTrue(RenderedBytes.of(new byte[0]).matches(f));
    assertFalse(r.matches(dir), "a directory");
  }
}

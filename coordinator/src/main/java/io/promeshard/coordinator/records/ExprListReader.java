package io.promeshard.coordinator.records;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads a file of PromQL expressions, one per line. Blank lines and lines starting with {@code #}
 * are skipped; whitespace around an expression is not part of it (it is stripped before naming);
 * lines that are not valid UTF-8 are counted as malformed.
 */
public final class ExprListReader {
  private ExprListReader() {}

  public static ParsedInput read(Path file, RecordNaming naming) throws IOException {
    InputCollector out = new InputCollector("expression file " + file, naming);
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    InputLines.forEach(
        "expression file",
        file,
        (number, bytes, truncated) -> {
          out.line();
          if (truncated) {
            out.malformed(number, "longer than " + InputLines.MAX_LINE_BYTES + " bytes");
            return;
          }
          String line;
          try {
            line = utf8.decode(ByteBuffer.wrap(bytes)).toString().strip();
          } catch (CharacterCodingException e) {
            out.malformed(number, "not valid UTF-8");
            return;
          }
          if (line.isEmpty() || line.startsWith("#")) {
            out.skipped();
            return;
          }
          out.offer(number, line);
        });
    return out.result();
  }
}

package io.promeshard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The token reader decodes exactly what Jackson's data-binding decodes, or leaves it to it. */
class TargetGroupsReaderTest {
  private static final ObjectMapper BINDING =
      Json.MAPPER.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final JsonFactory FACTORY = BINDING.getFactory();
  private static final String[] PIECES = {
    "a", "prod", "\"", "\\", "\n", "\u00e9", "\u4e2d", "\ud83c\udf89", "\u2028", " ", ":", "{{x}}"
  };

  @Test
  void groupsAsEncodedReadAsDataBindingReadsThem() throws Exception {
    Random random = new Random(5);
    for (int round = 0; round < 200; round++) {
      List<TargetGroup> groups = new ArrayList<>();
      for (int g = random.nextInt(20); g > 0; g--) {
        List<String> targets = new ArrayList<>();
        for (int t = 1 + random.nextInt(3); t > 0; t--) {
          targets.add("h" + text(random) + ":" + random.nextInt(10));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int l = random.nextInt(5); l > 0; l--) {
          labels.put("l" + random.nextInt(8) + text(random), text(random));
        }
        groups.add(new TargetGroup(targets, labels));
      }
      byte[] json = Json.encode(groups);
      List<TargetGroup> read = TargetGroupsReader.read(FACTORY, json);
      assertEquals(groups, read, new String(json, StandardCharsets.UTF_8));
      assertEquals(BINDING.readValue(json, new TypeReference<List<TargetGroup>>() {}), read);
    }
  }

  @Test
  void keysInAnyOrderWhitespaceAndSharedValues() {
    byte[] json =
        utf8(
            "[ {\"targets\": [\"a:1\"], \"labels\": {\"team\": \"x\", \"env\": \"prod\"}},\n"
                + "  {\"labels\": {\"env\": \"prod\"}, \"targets\": [\"b:1\", \"c:1\"]},"
                + " {\"targets\": [\"d:1\"]} ]");
    List<TargetGroup> read = TargetGroupsReader.read(FACTORY, json);
    assertEquals(
        List.of(
            TargetGroup.of("a:1", Map.of("env", "prod", "team", "x")),
            new TargetGroup(List.of("b:1", "c:1"), Map.of("env", "prod")),
            TargetGroup.of("d:1", Map.of())),
        read);
    assertSame(read.get(0).labels().get("env"), read.get(1).labels().get("env"));
    assertEquals(List.of("env", "team"), List.copyOf(read.get(0).labels().keySet()));
    assertEquals(List.of(), TargetGroupsReader.read(FACTORY, utf8(" [ ] ")));
  }

  @Test
  void anythingElseIsLeftToDataBindingWhichDecidesAsBefore() {
    for (String other :
        List.of(
            "[{\"targets\":[\"a:1\"],\"labels\":{\"env\":\"prod\"},\"new\":{}}]",
            "[{\"targets\":[\"a:1\"],\"labels\":null}]",
            "[{\"targets\":[\"a:1\"],\"labels\":{\"n\":1}}]",
            "[{\"targets\":[\"a:1\"],\"labels\":{\"n\":\"1\",\"n\":\"2\"}}]",
            "[{\"targets\":[\"a:1\"],\"targets\":[\"b:1\"]}]",
            "[{\"targets\":[1]}]",
            "[{\"targets\":\"a:1\"}]")) {
      assertNull(TargetGroupsReader.read(FACTORY, utf8(other)), other);
      assertEquals(
          outcome(() -> BINDING.readValue(utf8(other), new TypeReference<List<TargetGroup>>() {})),
          outcome(() -> Json.decodeTargetGroups("k", utf8(other))),
          other);
    }
    for (String bad :
        List.of(
            "null",
            "{}",
            "[null]",
            "[{\"targets\":[]}]",
            "[{\"targets\":[\" \"]}]",
            "[{\"labels\":{}}]",
            "[{\"targets\":[\"a:1\"],\"labels\":{\"\":\"x\"}}]",
            "[{\"targets\":[\"a:1\"],\"labels\":{\"n\":null}}]",
            "[{\"targets\":[\"a:1\"]}] []",
            "[{\"targets\":[\"a:1\"]}",
            "")) {
      assertNull(TargetGroupsReader.read(FACTORY, utf8(bad)), bad);
      assertThrows(
          ProtocolException.class, () -> Json.decodeTargetGroups("k", utf8(bad)), "error: " + bad);
    }
  }

  /** What a decode gives, or "fails". */
  private static String outcome(Callable<List<TargetGroup>> decode) {
    try {
      return String.valueOf(decode.call());
    } catch (Exception e) {
      return "fails";
    }
  }

  private static String text(Random random) {
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(4); i > 0; i--) {
      sb.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

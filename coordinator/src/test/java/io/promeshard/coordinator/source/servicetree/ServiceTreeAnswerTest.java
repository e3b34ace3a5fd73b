package io.promeshard.coordinator.source.servicetree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTreeAnswerTest {
  private static List<ServiceTreeMapping.Instance> parse(String json, int max) {
    return ServiceTreeAnswer.parse("service tree x", json.getBytes(StandardCharsets.UTF_8), max);
  }

  private static String error(String json, int max) {
    return assertThrows(ProtocolException.class, () -> parse(json, max)).getMessage();
  }

  @Test
  void keepsWhatTheMappingUsesOfEachInstance() {
    List<ServiceTreeMapping.Instance> got =
        parse(
            "{\"code\":0,\"paging\":{\"n\":[1,2]},\"result\":[{\"hash\":\"h\",\"name\":\"n\","
                + "\"private_ip\":[\"10.0.0.1\"],\"account_id\":12,\"region\":\"r\",\"cpu\":4,"
                + "\"tags\":{\"env\":\"prod\",\"owner\":\"x\",\"stree-app\":\"api\"}}]}",
            10);
    assertEquals(
        List.of(
            new ServiceTreeMapping.Instance(
                "h", "n", "10.0.0.1", "12", "r", Map.of("env", "prod", "stree-app", "api"))),
        got);
  }

  @Test
  void duplicateKeyIsRejectedNamingIt() {
    String message = error("{\"result\":[{\"hash\":\"a\",\"hash\":\"b\"}]}", 10);
    assertTrue(message.startsWith("service tree x: ") && message.contains("'hash'"), message);
    message = error("{\"result\":[],\"result\":[{\"hash\":\"b\"}]}", 10);
    assertTrue(message.contains("'result'"), message);
  }

  @Test
  void instancesOverTheLimitAreAnErrorNamingTheLimit() {
    assertEquals(2, parse("{\"result\":[{},{}]}", 2).size());
    assertEquals(
        "service tree x: over max_targets 2 instances", error("{\"result\":[{},{},{}]}", 2));
  }

  @Test
  void answerWithoutResultArrayIsAnError() {
    assertTrue(error("{\"code\":0,\"data\":[]}", 2).contains("expected {\"result\":[...]}"));
    assertTrue(error("{\"result\":{}}", 2).contains("expected {\"result\":[...]}"));
    assertTrue(error("[]", 2).contains("expected {\"result\":[...]}"));
    assertTrue(error("{\"result\":[]} {}", 2).contains("after answer"));
    assertTrue(error("{\"result\":[1]}", 2).contains("result[0] is not an object"));
  }
}

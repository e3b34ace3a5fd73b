package io.promeshard.protocol.ops;

/** The answer of {@code /healthz}: healthy or not, and a one-line reason shown to the operator. */
public record Health(boolean healthy, String message) {
  public Health {
    message = message == null ? "" : message;
  }

  public static Health ok(String message) {
    return new Health(true, message);
  }

  public static Health failing(String message) {
    return new Health(false, message);
  }
}

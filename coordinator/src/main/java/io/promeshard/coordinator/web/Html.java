package io.promeshard.coordinator.web;

/** Escaping for text and attribute values in the status page. */
final class Html {
  private Html() {}

  /** {@code s} safe inside an element or a double-quoted attribute; null is empty. */
  static String esc(Object o) {
    if (o == null) {
      return "";
    }
    String s = o.toString();
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}

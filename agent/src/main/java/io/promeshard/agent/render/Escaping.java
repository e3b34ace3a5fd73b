package io.promeshard.agent.render;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How template variables are escaped, chosen by the output format of the template. Both formats
 * produce JSON string content that is also valid inside a YAML double-quoted scalar, so templates
 * must put every variable inside double quotes; never Mustache's HTML escaping.
 */
public enum Escaping {
  /** For {@code *.json.mustache}: JSON string escaping. */
  JSON,
  /**
   * For {@code *.yml.mustache} / {@code *.yaml.mustache}: content of a YAML double-quoted scalar.
   */
  YAML;

  /**
   * The escaping for a template file name, or a RenderException when its output format is unknown.
   */
  public static Escaping forTemplate(String templateName) {
    String base =
        templateName.endsWith(".mustache")
            ? templateName.substring(0, templateName.length() - ".mustache".length())
            : templateName;
    if (base.endsWith(".json")) {
      return JSON;
    }
    if (base.endsWith(".yml") || base.endsWith(".yaml")) {
      return YAML;
    }
    throw new RenderException(
        "template "
            + templateName
            + ": unknown output format (expected a name ending in .json.mustache or .yml.mustache)");
  }

  public String escape(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 16);
    escape(value, sb);
    return sb.toString();
  }

  /**
   * Appends {@code value} escaped. Only {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t}
   * and {@code \}{@code uXXXX} are emitted: the escapes JSON, YAML 1.1/1.2 and go-yaml all read the
   * same way. YAML treats U+0085, U+2028 and U+2029 as line breaks and forbids C0/C1 controls, DEL,
   * U+FEFF, U+FFFE/U+FFFF and lone surrogates as raw text, so those are escaped for both formats.
   */
  public void escape(String value, Appendable out) {
    try {
      int n = value.length();
      int plain = 0; // start of the text not written yet, none of which needs an escape
      for (int i = 0; i < n; i++) {
        char c = value.charAt(i);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
          continue;
        }
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        String escaped = escaped(c);
        if (escaped != null) {
          out.append(value, plain, i).append(escaped);
          plain = i + 1;
        }
      }
      // runs of plain text go out whole: a value needing no escape costs one write
      if (plain == 0) {
        out.append(value);
      } else {
        out.append(value, plain, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing escaped template value", e);
    }
  }

  /** The escape of {@code c} (not half of a surrogate pair), or null when it stays as it is. */
  private static String escaped(char c) {
    return switch (c) {
      case '"' -> "\\\"";
      case '\\' -> "\\\\";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> needsUnicodeEscape(c) ? String.format("\\u%04x", (int) c) : null;
    };
  }

  private static boolean needsUnicodeEscape(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || c == '\ufeff'
        || c == '\ufffe'
        || c == '\uffff'
        || Character.isSurrogate(c);
  }
}

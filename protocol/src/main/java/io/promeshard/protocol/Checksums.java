package io.promeshard.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SHA-256 of stored values, the checksum a manifest lists for each part: lowercase hex (64
 * characters), or in the compact layout unpadded base64url (43 characters), which keeps manifests,
 * written on every change of their node, a third shorter.
 */
public final class Checksums {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SHA256_BASE64 =
      Pattern.compile("[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]");

  private Checksums() {}

  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }

  public static String sha256Base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(bytes));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  public static boolean isSha256Base64(String s) {
    return s != null && SHA256_BASE64.matcher(s).matches();
  }

  public static boolean isSha256Hex(String s) {
    return s != null && SHA256_HEX.matcher(s).matches();
  }
}

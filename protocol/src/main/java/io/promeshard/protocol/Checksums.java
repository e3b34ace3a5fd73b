package io.promeshard.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 of stored values, as lowercase hex: the checksum a manifest lists for each part. */
public final class Checksums {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private Checksums() {}

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  public static boolean isSha256Hex(String s) {
    return s != null && SHA256_HEX.matcher(s).matches();
  }
}

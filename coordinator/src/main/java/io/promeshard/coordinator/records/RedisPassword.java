package io.promeshard.coordinator.records;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the Redis password of {@code --redis} comes from, so it need not be on the command line
 * (where {@code ps} and shell history show it): {@code --redis-password-file} (its first line),
 * else the environment variable {@value #ENV}, else the {@code redis://user:password@...} URL
 * itself. A password given both in the URL and in a file is a usage error (which one was meant?);
 * one in the environment yields to the URL's. Errors are IllegalArgumentExceptions naming the
 * option.
 */
public final class RedisPassword {
  public static final String ENV = "PROME_SHARD_REDIS_PASSWORD";

  private RedisPassword() {}

  /**
   * The URL to connect to, with the password from {@code file} or {@code env} set in its user info
   * (the URL is only printed through {@link RedisExport#redacted}).
   */
  public static URI apply(URI url, Path file, Map<String, String> env) {
    return apply(url, "--redis", file, "--redis-password-file", ENV, env);
  }

  /**
   * As {@link #apply(URI, Path, Map)}, with the URL and the password file named {@code urlOption}
   * and {@code fileOption} in errors, and the password taken from the environment variable {@code
   * envName} when there is no file (the automatic import: {@code records_redis_password_file} and
   * {@code records_redis_password_env}).
   */
  public static URI apply(
      URI url,
      String urlOption,
      Path file,
      String fileOption,
      String envName,
      Map<String, String> env) {
    boolean inUrl = url.getRawUserInfo() != null && url.getRawUserInfo().contains(":");
    String password;
    if (file != null) {
      if (inUrl) {
        throw new IllegalArgumentException(
            fileOption + ": the " + urlOption + " URL carries a password too; give it only once");
      }
      password = read(fileOption, file);
    } else {
      password = env.get(envName);
      if (inUrl || password == null || password.isEmpty()) {
        return url;
      }
    }
    String user = url.getUserInfo() == null ? "" : url.getUserInfo();
    try {
      return new URI(
          url.getScheme(),
          user + ":" + password,
          url.getHost(),
          url.getPort(),
          url.getPath(),
          url.getQuery(),
          null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(urlOption + ": cannot add the password to the URL", e);
    }
  }

  private static String read(String fileOption, Path file) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          fileOption + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    int eol = content.indexOf('\n');
    String line = eol < 0 ? content : content.substring(0, eol);
    line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    if (line.isEmpty()) {
      throw new IllegalArgumentException(
          fileOption + ": " + file + " is empty (expected the password on its first line)");
    }
    return line;
  }
}

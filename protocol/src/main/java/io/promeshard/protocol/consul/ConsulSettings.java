package io.promeshard.protocol.consul;

import io.promeshard.protocol.Defaults;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where Consul is and how to authenticate: an http(s) address, an optional token file and an
 * optional PEM CA file; a bad address throws ConsulConfigException naming {@code consul.address}
 * and the value.
 */
public record ConsulSettings(URI address, Path tokenFile, Path caFile) {
  public ConsulSettings {
    if (address == null) {
      throw new ConsulConfigException("consul.address: missing");
    }
    String scheme = address.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || address.getHost() == null) {
      throw new ConsulConfigException(
          "consul.address: expected http(s)://host[:port], found " + address);
    }
    if (address.getRawQuery() != null || address.getRawFragment() != null) {
      throw new ConsulConfigException(
          "consul.address: query and fragment are not allowed, found " + address);
    }
    if (caFile != null && !scheme.equalsIgnoreCase("https")) {
      throw new ConsulConfigException(
          "consul.ca_file: given, but consul.address " + address + " is not https");
    }
  }

  /** Parses {@code address} (null or blank means {@value Defaults#CONSUL_ADDRESS}). */
  public static ConsulSettings of(String address, Path tokenFile, Path caFile) {
    String a = address == null || address.isBlank() ? Defaults.CONSUL_ADDRESS : address.strip();
    try {
      return new ConsulSettings(new URI(a), tokenFile, caFile);
    } catch (URISyntaxException e) {
      throw new ConsulConfigException("consul.address: not a URL: " + a, e);
    }
  }

  /** An address with no token and no CA. */
  public static ConsulSettings of(String address) {
    return of(address, null, null);
  }

  public boolean https() {
    return address.getScheme().equalsIgnoreCase("https");
  }

  /** The port, defaulting to 80/443 by scheme. */
  public int port() {
    return address.getPort() > 0 ? address.getPort() : https() ? 443 : 80;
  }

  /**
   * The token from {@code tokenFile}, trimmed; empty when no file is set. Unreadable or empty file:
   * ConsulConfigException.
   */
  public Optional<String> readToken() {
    if (tokenFile == null) {
      return Optional.empty();
    }
    String token;
    try {
      token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConsulConfigException("consul.token_file: cannot read " + tokenFile + ": " + e, e);
    }
    if (token.isEmpty()) {
      throw new ConsulConfigException("consul.token_file: " + tokenFile + " is empty");
    }
    if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new ConsulConfigException(
          "consul.token_file: "
              + tokenFile
              + " contains whitespace or control characters inside the token");
    }
    return Optional.of(token);
  }
}

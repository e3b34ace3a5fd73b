package io.promeshard.agent.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * This machine's host name, the default node name: the kernel's, else Java's lookup, else "" (never
 * throws).
 */
public final class HostName {
  private static final Path KERNEL_HOSTNAME = Paths.get("/proc/sys/kernel/hostname");

  private HostName() {}

  public static String local() {
    try {
      if (Files.isReadable(KERNEL_HOSTNAME)) {
        String name = Files.readString(KERNEL_HOSTNAME, StandardCharsets.UTF_8).strip();
        if (!name.isEmpty()) {
          return name;
        }
      }
    } catch (IOException e) {
      // fall through to the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }
}

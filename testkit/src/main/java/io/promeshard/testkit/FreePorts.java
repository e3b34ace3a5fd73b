package io.promeshard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the kernel for free loopback TCP ports; fails with UncheckedIOException when none can be
 * bound.
 */
public final class FreePorts {
  private FreePorts() {}

  public static int one() {
    return some(1)[0];
  }

  /** {@code n} distinct ports, all held open together while chosen so they differ. */
  public static int[] some(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        s.setReuseAddress(true);
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("finding free loopback ports", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // a port we failed to close is still usable by the server we start
        }
      }
    }
  }
}

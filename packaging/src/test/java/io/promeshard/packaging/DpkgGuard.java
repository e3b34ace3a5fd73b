package io.promeshard.packaging;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Guards tests that install the packages system-wide: fails unless running as root with dpkg,
 * serialises such tests across processes on this machine with a file lock, purges both prome-shard
 * packages before and after every test (also when it failed), and at the end deletes the {@code
 * prome-shard} user and group if the tests created them.
 */
final class DpkgGuard
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  static final String USER = "prome-shard";
  private static final Path LOCK =
      Paths.get(System.getProperty("java.io.tmpdir"), "prome-shard-packaging-dpkg.lock");

  private FileChannel lockChannel;
  private FileLock lock;
  private boolean userExistedBefore;
  private boolean groupExistedBefore;
  private boolean guarding; // set once the checks passed and the lock is held

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (!Exec.onPath("dpkg") || !Exec.onPath("dpkg-query") || !Exec.onPath("dpkg-deb")) {
      throw new AssertionError(
          "the package tests install the .deb files with dpkg: run them on Debian/Ubuntu (dpkg not on PATH)");
    }
    Object uid = Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      throw new AssertionError(
          "the package tests install packages with dpkg and must run as root (uid is "
              + uid
              + "); run `mvn -pl packaging verify` as root, e.g. in a throw-away container or VM");
    }
    lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    lock = lockChannel.lock(); // another build on this machine may be installing the same packages
    userExistedBefore = exists("passwd", USER);
    groupExistedBefore = exists("group", USER);
    guarding = true;
    purgeBoth();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    purgeBoth();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (guarding) {
      purgeBoth();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (!guarding) {
      return; // not root or no dpkg: beforeAll failed and installed nothing
    }
    try {
      purgeBoth();
      if (!userExistedBefore && exists("passwd", USER)) {
        Exec.run("userdel", USER).ok();
      }
      if (!groupExistedBefore && exists("group", USER)) {
        Exec.run("groupdel", USER).ok();
      }
    } finally {
      guarding = false;
      lock.release();
      lockChannel.close();
    }
  }

  static boolean exists(String database, String key) {
    return Exec.run("getent", database, key).exit() == 0;
  }

  private static void purgeBoth() {
    AssertionError failure = null;
    for (String name : new String[] {BuiltPackages.AGENT, BuiltPackages.COORDINATOR}) {
      try {
        Dpkg.purgeCompletely(name);
      } catch (AssertionError e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}

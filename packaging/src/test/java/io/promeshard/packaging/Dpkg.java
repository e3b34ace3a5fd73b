package io.promeshard.packaging;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * dpkg and dpkg-query calls the package tests make; failures of the calls that must work throw
 * AssertionError with the output.
 */
final class Dpkg {
  static final String INSTALLED = "install ok installed";
  static final String CONFIG_FILES = "deinstall ok config-files";
  static final String NOT_INSTALLED = "not-installed";

  private Dpkg() {}

  static Exec.Result install(Path deb) {
    return Exec.run("dpkg", "--install", deb.toString());
  }

  static Exec.Result remove(String name) {
    return Exec.run("dpkg", "--remove", name);
  }

  static Exec.Result purge(String name) {
    return Exec.run("dpkg", "--purge", name);
  }

  /** {@link #INSTALLED}, {@link #CONFIG_FILES} or {@link #NOT_INSTALLED}. */
  static String status(String name) {
    Exec.Result r = Exec.run("dpkg-query", "--show", "--showformat=${Status}", name);
    return r.exit() == 0 ? r.stdout().strip() : NOT_INSTALLED;
  }

  static String installedVersion(String name) {
    return Exec.run("dpkg-query", "--show", "--showformat=${Version}", name).ok().stdout().strip();
  }

  /** The conffile paths dpkg recorded for an installed package. */
  static List<String> conffiles(String name) {
    String out = Exec.run("dpkg-query", "--show", "--showformat=${Conffiles}", name).ok().stdout();
    return out.lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .map(l -> l.split(" ", -1)[0])
        .sorted()
        .toList();
  }

  /** A control field of a .deb file, e.g. Depends. */
  static String field(Path deb, String field) {
    return Exec.run("dpkg-deb", "--field", deb.toString(), field).ok().stdout().strip();
  }

  /**
   * Purges {@code name} whatever state it is in; when a plain purge fails (a broken maintainer
   * script) retries with --force-remove-reinstreq so the machine is never left with a
   * half-installed package.
   */
  static void purgeCompletely(String name) {
    if (status(name).equals(NOT_INSTALLED)) {
      return;
    }
    Exec.Result r = purge(name);
    if (r.exit() != 0) {
      Exec.Result forced =
          Exec.run(
              List.of("dpkg", "--purge", "--force-remove-reinstreq", name),
              Map.of(),
              Exec.DEFAULT_TIMEOUT);
      throw new AssertionError(
          "purging " + name + " failed (forced purge: exit " + forced.exit() + ")\n" + r);
    }
  }
}

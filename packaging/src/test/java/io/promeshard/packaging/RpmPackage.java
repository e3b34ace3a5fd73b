package io.promeshard.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.eclipse.packager.rpm.RpmTag;
import org.eclipse.packager.rpm.parse.InputHeader;
import org.eclipse.packager.rpm.parse.RpmInputStream;

/**
 * An .rpm read with a pure-Java parser (no rpm tool): header fields, dependencies, scriptlets, the
 * file list with modes, owners and flags, and the SHA-256 of every payload file; unreadable files
 * throw UncheckedIOException naming the package.
 */
record RpmPackage(
    String name,
    String version,
    String release,
    String arch,
    String os,
    List<Dependency> requires,
    Map<String, String> scripts,
    Map<String, String> scriptPrograms,
    Map<String, FileEntry> files,
    Map<String, String> payloadSha256) {
  /**
   * rpm's RPMFILE_* and RPMSENSE_* bits (rpmfiles.h, rpmds.h), kept independent of the builder
   * library.
   */
  static final int FILE_CONFIG = 1;

  static final int FILE_DOC = 2;
  static final int FILE_NOREPLACE = 16;
  static final int SENSE_PREREQ = 64;
  static final int TYPE_DIRECTORY = 0040000;

  /** One Requires entry. */
  record Dependency(String name, String version, int flags) {}

  /** One file of the header's file list. */
  record FileEntry(String path, int mode, int flags, String user, String group, long size) {
    boolean directory() {
      return (mode & 0170000) == TYPE_DIRECTORY;
    }

    int permissions() {
      return mode & 07777;
    }
  }

  RpmPackage {
    requires = List.copyOf(requires);
    scripts = Map.copyOf(scripts);
    scriptPrograms = Map.copyOf(scriptPrograms);
    files = Map.copyOf(files);
    payloadSha256 = Map.copyOf(payloadSha256);
  }

  static RpmPackage read(Path rpm) {
    try (RpmInputStream in = new RpmInputStream(Files.newInputStream(rpm))) {
      InputHeader<RpmTag> h = in.getPayloadHeader();
      Map<String, String> scripts = new LinkedHashMap<>();
      Map<String, String> programs = new LinkedHashMap<>();
      putScript(
          h, "pre", RpmTag.PREINSTALL_SCRIPT, RpmTag.PREINSTALL_SCRIPT_PROG, scripts, programs);
      putScript(
          h, "post", RpmTag.POSTINSTALL_SCRIPT, RpmTag.POSTINSTALL_SCRIPT_PROG, scripts, programs);
      putScript(
          h, "preun", RpmTag.PREREMOVE_SCRIPT, RpmTag.PREREMOVE_SCRIPT_PROG, scripts, programs);
      putScript(
          h, "postun", RpmTag.POSTREMOVE_SCRIPT, RpmTag.POSTREMOVE_SCRIPT_PROG, scripts, programs);
      return new RpmPackage(
          string(h, RpmTag.NAME),
          string(h, RpmTag.VERSION),
          string(h, RpmTag.RELEASE),
          string(h, RpmTag.ARCH),
          string(h, RpmTag.OS),
          requires(h),
          scripts,
          programs,
          files(h),
          payload(in.getCpioStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading rpm " + rpm, e);
    }
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static List<Dependency> requires(InputHeader<RpmTag> h) {
    String[] names = strings(h, RpmTag.REQUIRE_NAME);
    String[] versions = strings(h, RpmTag.REQUIRE_VERSION);
    Object[] flags = (Object[]) h.getTag(RpmTag.REQUIRE_FLAGS);
    List<Dependency> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      out.add(new Dependency(names[i], versions[i], ((Number) flags[i]).intValue()));
    }
    return out;
  }

  private static Map<String, FileEntry> files(InputHeader<RpmTag> h) {
    String[] base = strings(h, RpmTag.BASENAMES);
    String[] dirs = strings(h, RpmTag.DIRNAMES);
    Object[] dirIndex = (Object[]) h.getTag(RpmTag.DIR_INDEXES);
    Object[] modes = (Object[]) h.getTag(RpmTag.FILE_MODES);
    Object[] flags = (Object[]) h.getTag(RpmTag.FILE_FLAGS);
    Object[] sizes = (Object[]) h.getTag(RpmTag.FILE_SIZES);
    String[] users = strings(h, RpmTag.FILE_USERNAME);
    String[] groups = strings(h, RpmTag.FILE_GROUPNAME);
    Map<String, FileEntry> out = new LinkedHashMap<>();
    for (int i = 0; i < base.length; i++) {
      String path = dirs[((Number) dirIndex[i]).intValue()] + base[i];
      int mode = ((Number) modes[i]).intValue() & 0xffff; // int16 in the header
      out.put(
          path,
          new FileEntry(
              path,
              mode,
              ((Number) flags[i]).intValue(),
              users[i],
              groups[i],
              ((Number) sizes[i]).longValue()));
    }
    return out;
  }

  private static Map<String, String> payload(CpioArchiveInputStream cpio) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    CpioArchiveEntry e;
    while ((e = cpio.getNextEntry()) != null) {
      String path = e.getName().startsWith("./") ? e.getName().substring(1) : e.getName();
      out.put(path, e.isDirectory() ? "" : sha256(cpio));
    }
    return out;
  }

  private static String sha256(InputStream in) throws IOException {
    MessageDigest d = digest();
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) > 0; ) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putScript(
      InputHeader<RpmTag> h,
      String name,
      RpmTag script,
      RpmTag program,
      Map<String, String> scripts,
      Map<String, String> programs) {
    h.getOptionalTag(script).ifPresent(s -> scripts.put(name, (String) s));
    h.getOptionalTag(program)
        .ifPresent(
            p -> programs.put(name, p instanceof String[] a ? String.join(" ", a) : (String) p));
  }

  private static String string(InputHeader<RpmTag> h, RpmTag tag) {
    Object v = h.getTag(tag);
    return v instanceof String[] a ? a[0] : (String) v;
  }

  private static String[] strings(InputHeader<RpmTag> h, RpmTag tag) {
    Object v = h.getTag(tag);
    return v instanceof String s ? new String[] {s} : (String[]) v;
  }
}

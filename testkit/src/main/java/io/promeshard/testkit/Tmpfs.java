package io.promeshard.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted over a directory, for write faults that root meets too: {@link #readOnly()}
 * remounts it read-only (EROFS), {@link #fill()} fills it to the last byte (ENOSPC). Mounting needs
 * root (or CAP_SYS_ADMIN); without it {@link #mount} throws AssertionError saying so. {@link
 * #close()} unmounts, which takes the files on it along.
 */
public final class Tmpfs implements AutoCloseable {
  private static final long COMMAND_TIMEOUT_SECONDS = 20;
  private static final String FILLER = "zz-filler.bin";

  private final Path dir;
  private boolean mounted;

  private Tmpfs(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  /** Mounts a tmpfs of {@code size} (e.g. {@code 256k}) over {@code dir}, creating it. */
  public static Tmpfs mount(Path dir, String size) {
    Tmpfs fs = new Tmpfs(dir);
    try {
      Files.createDirectories(fs.dir);
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + dir, e);
    }
    fs.run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", fs.dir.toString());
    fs.mounted = true;
    return fs;
  }

  public Path dir() {
    return dir;
  }

  /** Remounts read-only: every write, even root's, fails with "Read-only file system". */
  public void readOnly() {
    run("mount", "-o", "remount,ro", dir.toString());
  }

  /** Remounts read-write. */
  public void writable() {
    run("mount", "-o", "remount,rw", dir.toString());
  }

  /** Writes a filler file until the tmpfs is full: the next write fails with ENOSPC. */
  public void fill() {
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(dir.resolve(FILLER))) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException full) {
      // "No space left on device": full as intended
    }
  }

  /** Deletes the filler file. */
  public void unfill() {
    try {
      Files.deleteIfExists(dir.resolve(FILLER));
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + dir.resolve(FILLER), e);
    }
  }

  /** The name of the filler file, which readers of the directory should ignore. */
  public static String fillerName() {
    return FILLER;
  }

  @Override
  public void close() {
    if (mounted) {
      mounted = false;
      run("umount", "-l", dir.toString());
    }
  }

  private void run(String... command) {
    List<String> cmd = new ArrayList<>(List.of(command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + ": no answer in 20 s");
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", cmd)
                + " failed (exit "
                + p.exitValue()
                + "): "
                + output.strip()
                + " (these write-fault tests mount a tmpfs: run them as root or with"
                + " CAP_SYS_ADMIN, as CI does)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + String.join(" ", cmd), e);
    }
  }
}

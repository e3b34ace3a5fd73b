package io.promeshard.agent.apply;

import io.promeshard.agent.render.RenderedBytes;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Writes files so readers only ever see the old or the new content: a temp file in the same
 * directory (named {@code .<name>.tmp-<random>}, which no {@code *.json}/{@code *.yml} glob
 * matches), fsync, atomic rename, fsync of the directory. Identical content is not rewritten. A
 * failure throws an IOException naming the file and leaves no temp file behind.
 */
public final class AtomicFiles {
  private static final String TEMP_MARK = ".tmp-";
  private static final Pattern TEMP_NAME = Pattern.compile("\\..+\\.tmp-[0-9a-z]+");

  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code bytes}; returns false, touching nothing, when it already
   * holds them.
   */
  public static boolean write(Path target, byte[] bytes) throws IOException {
    return write(target, RenderedBytes.of(bytes));
  }

  /**
   * Replaces {@code target} with {@code content}, streamed; returns false, touching nothing, when
   * it already holds it.
   */
  public static boolean write(Path target, RenderedBytes content) throws IOException {
    if (content.matches(target)) {
      return false;
    }
    try (Staged staged = stage(target, content)) {
      staged.commit();
    }
    return true;
  }

  /** Whether {@code target} is a regular file holding exactly {@code bytes}. */
  public static boolean hasContent(Path target, byte[] bytes) throws IOException {
    Optional<byte[]> current = read(target);
    return current.isPresent() && Arrays.equals(current.get(), bytes);
  }

  /**
   * Whether {@code target} is a regular file holding exactly {@code content}, compared block by
   * block.
   */
  public static boolean hasContent(Path target, RenderedBytes content) throws IOException {
    return content.matches(target);
  }

  /** The content of {@code file}, or empty when it does not exist. */
  public static Optional<byte[]> read(Path file) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IOException("reading " + file + ": " + reason(e), e);
    }
  }

  /**
   * Writes {@code bytes} to a fsync'ed temp file next to {@code target}; {@link Staged#commit()}
   * renames it into place, {@link Staged#close()} deletes it unless committed.
   */
  public static Staged stage(Path target, byte[] bytes) throws IOException {
    return stage(target, RenderedBytes.of(bytes));
  }

  /** As {@link #stage(Path, byte[])}, streaming {@code content} into the temp file. */
  public static Staged stage(Path target, RenderedBytes content) throws IOException {
    Path abs = target.toAbsolutePath();
    Path temp =
        abs.resolveSibling(
            "."
                + abs.getFileName()
                + TEMP_MARK
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
    try (FileChannel ch =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(ch);
      content.writeTo(out);
      out.flush();
      ch.force(true);
      copyPermissions(abs, temp);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp, e);
      throw new IOException(
          "writing " + target + " (temp " + temp.getFileName() + "): " + reason(e), e);
    }
    return new Staged(abs, temp);
  }

  /** Deletes {@code target} and syncs its directory; returns whether it existed. */
  public static boolean delete(Path target) throws IOException {
    try {
      boolean deleted = Files.deleteIfExists(target);
      if (deleted) {
        syncDirectory(target.toAbsolutePath().getParent());
      }
      return deleted;
    } catch (IOException e) {
      throw new IOException("removing " + target + ": " + reason(e), e);
    }
  }

  /**
   * The target file name a temp file of this class was staged for, or empty when {@code fileName}
   * is not one.
   */
  public static Optional<String> stagedFor(String fileName) {
    if (!TEMP_NAME.matcher(fileName).matches()) {
      return Optional.empty();
    }
    return Optional.of(fileName.substring(1, fileName.lastIndexOf(TEMP_MARK)));
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (AccessDeniedException e) {
      // some filesystems refuse to open directories; the rename itself is still atomic
    }
  }

  private static void copyPermissions(Path from, Path to) throws IOException {
    try {
      Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
    } catch (NoSuchFileException | UnsupportedOperationException e) {
      // new file, or not a POSIX filesystem: keep the defaults from the umask
    }
  }

  /**
   * The message of {@code e}, saying "permission denied" where Java's AccessDeniedException only
   * names the file.
   */
  private static String reason(Exception e) {
    if (e instanceof AccessDeniedException denied && denied.getReason() == null) {
      return denied.getFile() + ": permission denied";
    }
    return String.valueOf(e.getMessage());
  }

  private static void deleteQuietly(Path temp, Exception cause) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  /** A temp file waiting to be renamed over its target; closing without commit deletes it. */
  public static final class Staged implements Closeable {
    private final Path target;
    private final Path temp;
    private boolean committed;

    private Staged(Path target, Path temp) {
      this.target = target;
      this.temp = temp;
    }

    public Path target() {
      return target;
    }

    /** The staged file, e.g. for a check command. */
    public Path temp() {
      return temp;
    }

    /** Renames the temp file over the target and syncs the directory. */
    public void commit() throws IOException {
      if (committed) {
        throw new IllegalStateException("already committed: " + target);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        syncDirectory(target.getParent());
      } catch (IOException e) {
        if (!committed) {
          deleteQuietly(temp, e);
        }
        throw new IOException("installing " + target + ": " + reason(e), e);
      }
    }

    @Override
    public void close() throws IOException {
      if (!committed) {
        Files.deleteIfExists(temp);
      }
    }
  }
}

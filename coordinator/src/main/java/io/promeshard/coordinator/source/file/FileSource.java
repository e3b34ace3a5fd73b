package io.promeshard.coordinator.source.file;

import io.promeshard.coordinator.config.FileSourceSpec;
import io.promeshard.coordinator.source.PollingSource;
import io.promeshard.coordinator.source.SdFormat;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads file_sd files matching a {@link FileSourceSpec} every {@code refresh}, and within about a
 * second of a file appearing, changing or disappearing (a cheap modification-time check). Files are
 * read in path order. A file that cannot be read or parsed keeps its last good groups and the
 * refresh reports an error naming the file. A file that fails before it was ever read well fails
 * the whole refresh, so the source keeps its last good result (or, on the first refresh, has none
 * and its job stays incomplete) rather than reporting fewer targets as if they were all. A file
 * that no longer matches contributes nothing.
 */
public final class FileSource extends PollingSource {
  private static final Logger log = LoggerFactory.getLogger(FileSource.class);
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

  private final List<String> patterns;
  // both only touched by the source thread
  private Map<Path, List<TargetGroup>> lastGood = Map.of();
  private Map<Path, String> lastFingerprint = Map.of();

  public FileSource(String name, FileSourceSpec spec) {
    this(name, spec, CHECK_INTERVAL);
  }

  FileSource(String name, FileSourceSpec spec, Duration checkInterval) {
    super(name, spec.refresh(), checkInterval);
    this.patterns = spec.files();
  }

  @Override
  protected Polled poll() throws IOException {
    Map<Path, String> fingerprint = fingerprint();
    Map<Path, List<TargetGroup>> good = new HashMap<>();
    List<TargetGroup> groups = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    int neverGood = 0;
    for (Path file : fingerprint.keySet()) {
      List<TargetGroup> read;
      try {
        read = read(file);
      } catch (IOException | ProtocolException e) {
        errors.add(e.getMessage());
        read = lastGood.get(file);
        if (read == null) {
          neverGood++;
          continue;
        }
      }
      good.put(file, read);
      groups.addAll(read);
    }
    lastGood = good;
    lastFingerprint = fingerprint;
    if (neverGood > 0) {
      // without them the result would be silently smaller: fail the refresh instead
      throw new IOException(
          neverGood
              + " of "
              + fingerprint.size()
              + " files never read well, source incomplete: "
              + String.join("; ", errors));
    }
    log.debug("[source] {}: {} files, {} groups", name, fingerprint.size(), groups.size());
    IOException error = errors.isEmpty() ? null : new IOException(String.join("; ", errors));
    return new Polled(groups, 0, error);
  }

  @Override
  protected boolean changed() {
    try {
      return !fingerprint().equals(lastFingerprint);
    } catch (IOException e) {
      return true; // let the poll report it
    }
  }

  static List<TargetGroup> read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException("reading " + file + ": " + e, e);
    }
    String where = file.toString();
    return where.endsWith(".json") ? SdFormat.json(where, bytes) : SdFormat.yaml(where, bytes);
  }

  /** Matching files in path order, each with modification time, size and file key. */
  private Map<Path, String> fingerprint() throws IOException {
    Map<Path, String> out = new TreeMap<>();
    for (Path file : expand(patterns)) {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (a.isRegularFile()) {
          out.put(
              file,
              a.lastModifiedTime().toInstant()
                  + "/"
                  + a.size()
                  + "/"
                  + Objects.toString(a.fileKey()));
        }
      } catch (NoSuchFileException e) {
        // removed between listing and stat: it simply no longer matches
      }
    }
    return out;
  }

  /** Expands each pattern (glob in the last segment only); a missing directory matches nothing. */
  static NavigableSet<Path> expand(List<String> patterns) throws IOException {
    NavigableSet<Path> files = new TreeSet<>();
    for (String pattern : patterns) {
      Path path = Path.of(pattern);
      String glob = path.getFileName().toString();
      if (!FileSourceSpec.isGlob(glob)) {
        if (Files.isRegularFile(path)) {
          files.add(path);
        }
        continue;
      }
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(path.getParent(), glob)) {
        dir.forEach(files::add);
      } catch (NoSuchFileException | NotDirectoryException e) {
        // like Prometheus: a pattern whose directory is missing matches no file
      } catch (IOException e) {
        throw new IOException("listing " + path.getParent() + " for " + glob + ": " + e, e);
      }
    }
    return files;
  }
}

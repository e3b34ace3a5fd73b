package io.promeshard.bench.fleet;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Notices when files reach an expected content, through the file system's change notifications
 * (inotify on Linux): one thread takes the events of the watched directories and reads each file
 * named in the current {@link Expectation} as it is created or renamed into place. As a safety net,
 * after {@value #FALLBACK_MILLIS} ms without any notification every pending file is read; arrivals
 * seen that way (late by up to that much) are counted in {@link #fallbackHits()} (expected 0).
 * Closing stops the thread.
 */
public final class FileArrivals implements Closeable {
  static final long FALLBACK_MILLIS = 250;

  private final WatchService watcher;
  private final Map<WatchKey, Path> dirs = new HashMap<>();
  private final AtomicReference<Expectation> current = new AtomicReference<>();
  private final AtomicInteger fallbackHits = new AtomicInteger();
  private final Thread thread;

  public FileArrivals(List<Path> directories) {
    try {
      watcher = directories.get(0).getFileSystem().newWatchService();
      for (Path d : directories) {
        Files.createDirectories(d);
        dirs.put(
            d.register(
                watcher,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY),
            d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("watching " + directories, e);
    }
    thread = new Thread(this::loop, "file-arrivals");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts expecting every file of {@code files} to contain {@code marker}; set it up before
   * causing the change, then {@link Expectation#await}. Replaces any previous expectation.
   */
  public Expectation expect(List<Path> files, String marker) {
    Expectation e = new Expectation(files, marker);
    current.set(e);
    return e;
  }

  public int fallbackHits() {
    return fallbackHits.get();
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        WatchKey key = watcher.poll(FALLBACK_MILLIS, TimeUnit.MILLISECONDS);
        Expectation e = current.get();
        if (key != null) {
          Path dir = dirs.get(key);
          for (WatchEvent<?> event : key.pollEvents()) {
            if (e != null && event.context() instanceof Path name) {
              e.check(dir.resolve(name), false);
            }
          }
          key.reset();
        }
        if (key == null && e != null) {
          e.sweep(); // quiet for FALLBACK_MILLIS: look for arrivals whose notification never came
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    } catch (ClosedWatchServiceException ex) {
      // closed: done
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      watcher.close();
      thread.join(2000);
    } catch (IOException e) {
      throw new UncheckedIOException("closing the file watcher", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The files still awaited for one change and when each arrived. */
  public final class Expectation {
    private final List<Path> files;
    private final String marker;
    private final Map<Path, Long> arrived = new ConcurrentHashMap<>();
    private final CountDownLatch done;

    private Expectation(List<Path> files, String marker) {
      this.files = List.copyOf(files);
      this.marker = marker;
      this.done = new CountDownLatch(this.files.size());
    }

    /**
     * Arrival times (System.nanoTime) in the order of the files given; AssertionError on timeout.
     */
    public long[] await(Duration timeout) {
      if (!arrivedWithin(timeout)) {
        throw new AssertionError(
            "timed out after "
                + timeout
                + " waiting for "
                + marker
                + " in "
                + files.stream().filter(f -> !arrived.containsKey(f)).toList());
      }
      return arrivals();
    }

    /** Waits up to {@code timeout}; true when every file has arrived. */
    public boolean arrivedWithin(Duration timeout) {
      try {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + marker, e);
      }
    }

    private long[] arrivals() {
      long[] out = new long[files.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = arrived.get(files.get(i));
      }
      return out;
    }

    void check(Path file, boolean sweep) {
      if (arrived.containsKey(file) || !files.contains(file)) {
        return;
      }
      String content;
      try {
        content = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        return;
      } catch (IOException e) {
        return; // mid-rename or unreadable for a moment: the next event or sweep looks again
      }
      if (content.contains(marker) && arrived.putIfAbsent(file, System.nanoTime()) == null) {
        if (sweep) {
          fallbackHits.incrementAndGet();
        }
        done.countDown();
      }
    }

    void sweep() {
      files.forEach(f -> check(f, true));
    }
  }
}

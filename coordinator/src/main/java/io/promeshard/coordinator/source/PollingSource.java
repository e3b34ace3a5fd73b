package io.promeshard.coordinator.source;

import io.promeshard.protocol.TargetGroup;
import io.promeshard.protocol.lifecycle.Lifecycle;
import io.promeshard.protocol.lifecycle.RetryPolicy;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that refreshes on its own thread every {@code refresh}, sooner after a failure (the
 * retry policy: 1s, 2s, 4s… capped at {@code refresh}) and sooner when {@link #changed()} sees new
 * input. A failing poll is reported to the listener and retried; the loop ends only when the source
 * is closed, and no callback starts after {@link #close()} returns.
 */
public abstract class PollingSource implements TargetSource {
  private static final Logger log = LoggerFactory.getLogger(PollingSource.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration JOIN = Duration.ofSeconds(5);

  /**
   * One poll's outcome: the targets, inputs dropped, and an error for the part that failed (or
   * null).
   */
  public record Polled(List<TargetGroup> groups, int skipped, Exception partialError) {
    public Polled {
      groups = List.copyOf(groups);
    }

    public static Polled of(List<TargetGroup> groups) {
      return new Polled(groups, 0, null);
    }
  }

  protected final String name;
  private final Duration refresh;
  private final Duration checkInterval;
  private final RetryPolicy retry;
  private final Loop loop;
  private volatile Listener listener;

  /**
   * {@code checkInterval} below {@code refresh} makes the loop ask {@link #changed()} that often.
   */
  protected PollingSource(String name, Duration refresh, Duration checkInterval) {
    this.name = name;
    this.refresh = refresh;
    this.checkInterval = checkInterval.compareTo(refresh) < 0 ? checkInterval : refresh;
    this.retry =
        RetryPolicy.noJitter(FIRST_RETRY.compareTo(refresh) < 0 ? FIRST_RETRY : refresh, refresh);
    this.loop = new Loop();
  }

  /** Reads the whole current input; throws with context on failure. */
  protected abstract Polled poll() throws Exception;

  /** Cheap check between polls, e.g. file modification times; the default never fires. */
  protected boolean changed() {
    return false;
  }

  /** Aborts an in-flight request when the source closes; the default does nothing. */
  protected void cancel() {}

  protected final boolean running() {
    return loop.isRunning();
  }

  @Override
  public final void start(Listener listener) {
    this.listener = listener;
    loop.start();
  }

  @Override
  public final void close() {
    loop.close();
  }

  /** The refresh loop on thread "source <name>". */
  private final class Loop extends Lifecycle {
    Loop() {
      super("source " + name, JOIN);
    }

    @Override
    protected void run() {
      int failures = 0;
      while (running()) {
        long started = System.nanoTime();
        Polled polled = null;
        try {
          polled = poll();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          if (!running()) {
            return;
          }
          failures++;
          report(e);
        }
        if (polled != null && running()) {
          failures = polled.partialError() == null ? 0 : failures + 1;
          report(polled);
        }
        if (!awaitNext(started, failures == 0 ? refresh : retry.delay(failures))) {
          return;
        }
      }
    }

    @Override
    protected void onClose() {
      cancel();
    }

    private void report(Object outcome) {
      step(
          () -> {
            try {
              if (outcome instanceof Polled polled) {
                listener.onTargets(polled.groups(), polled.skipped());
                if (polled.partialError() != null) {
                  listener.onError(polled.partialError());
                }
              } else {
                listener.onError((Exception) outcome);
              }
            } catch (RuntimeException e) {
              log.error("[source] {}: listener failed", name, e);
            }
          });
    }

    /**
     * Waits {@code delay} from {@code startedNanos} or until {@link #changed()}; false once closed.
     */
    private boolean awaitNext(long startedNanos, Duration delay) {
      long deadline = startedNanos + delay.toNanos();
      while (running()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        if (!pause(Duration.ofNanos(Math.min(left, checkInterval.toNanos())))) {
          return false;
        }
        if (checkInterval.compareTo(refresh) < 0 && changed()) {
          log.debug("[source] {}: input changed, refreshing early", name);
          return true;
        }
      }
      return false;
    }
  }
}

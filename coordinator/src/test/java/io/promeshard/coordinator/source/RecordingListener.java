package io.promeshard.coordinator.source;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.promeshard.protocol.TargetGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what a source reports, for tests to wait on with deadlines. */
public final class RecordingListener implements TargetSource.Listener {
  /** One callback: targets (error null) or an error (groups null). */
  public record Event(List<TargetGroup> groups, int skipped, Exception error) {
    public boolean isError() {
      return error != null;
    }
  }

  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  @Override
  public void onTargets(List<TargetGroup> groups, int skipped) {
    events.add(new Event(List.copyOf(groups), skipped, null));
  }

  @Override
  public void onError(Exception error) {
    events.add(new Event(null, 0, error));
  }

  public Event next() throws InterruptedException {
    Event e = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(e, "no source callback within " + TIMEOUT);
    return e;
  }

  /** The next targets report, skipping errors. */
  public Event nextTargets() throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotNull(e, "no targets reported within " + TIMEOUT);
      if (!e.isError()) {
        return e;
      }
    }
  }

  /** The next error, skipping targets reports. */
  public Exception nextError() throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotNull(e, "no error reported within " + TIMEOUT);
      if (e.isError()) {
        return e.error();
      }
    }
  }

  /** Waits for a targets report whose addresses (all groups, in order) equal {@code addresses}. */
  public Event awaitAddresses(List<String> addresses) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    List<String> last = null;
    while (System.nanoTime() - deadline < 0) {
      Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e != null && !e.isError()) {
        last = addresses(e.groups());
        if (last.equals(addresses)) {
          return e;
        }
      }
    }
    throw new AssertionError(
        "targets " + addresses + " not reported within " + TIMEOUT + "; last " + last);
  }

  public static List<String> addresses(List<TargetGroup> groups) {
    return groups.stream().flatMap(g -> g.targets().stream()).toList();
  }
}

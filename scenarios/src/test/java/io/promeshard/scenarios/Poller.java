package io.promeshard.scenarios;

import java.io.Closeable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A daemon thread running {@code poll} every {@code millis} until closed: how the fault tests watch
 * files and keys while a fault lasts. Closing waits up to 2 s for the last poll to end.
 */
final class Poller implements Closeable {
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);

  private Poller(String name, long millis, Runnable poll) {
    this.thread =
        new Thread(
            () -> {
              while (running.get()) {
                poll.run();
                try {
                  Thread.sleep(millis);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            name);
    this.thread.setDaemon(true);
  }

  static Poller start(String name, long millis, Runnable poll) {
    Poller p = new Poller(name, millis, poll);
    p.thread.start();
    return p;
  }

  @Override
  public void close() {
    running.set(false);
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.promeshard.protocol.consul;

import okhttp3.Call;

/**
 * Lets one thread cancel the HTTP call another thread is blocked in; once cancelled, every call
 * registered later is cancelled at once (it then fails with an IOException).
 */
public final class CallHandle {
  private volatile Call current;
  private volatile boolean cancelled;

  /**
   * Records {@code call} as the one in flight (cancelling it if this handle is already cancelled).
   */
  public Call register(Call call) {
    current = call;
    if (cancelled) {
      call.cancel();
    }
    return call;
  }

  /** Cancels the call in flight, if any, and every later one. */
  public void cancel() {
    cancelled = true;
    Call c = current;
    if (c != null) {
      c.cancel();
    }
  }
}

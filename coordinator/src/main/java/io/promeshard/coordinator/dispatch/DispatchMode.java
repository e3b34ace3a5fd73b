package io.promeshard.coordinator.dispatch;

/** Publishing needs the leader lock; a dry run computes and reports plans and writes nothing. */
public enum DispatchMode {
  PUBLISH,
  DRY_RUN
}

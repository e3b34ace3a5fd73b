package io.promeshard.protocol.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promeshard.protocol.consul.WatchIndex.Outcome;
import org.junit.jupiter.api.Test;

class WatchIndexTest {
  @Test
  void firstRequestIsNonBlockingAndFirstReplyIsTaken() {
    WatchIndex idx = new WatchIndex();
    assertEquals(0, idx.next());
    assertEquals(Outcome.FIRST, idx.observe(42));
    assertEquals(42, idx.next());
  }

  @Test
  void sameIndexMeansNoChange() {
    WatchIndex idx = new WatchIndex();
    idx.observe(42);
    assertEquals(Outcome.UNCHANGED, idx.observe(42));
    assertEquals(42, idx.next());
  }

  @Test
  void higherIndexAdvances() {
    WatchIndex idx = new WatchIndex();
    idx.observe(42);
    assertEquals(Outcome.ADVANCED, idx.observe(50));
    assertEquals(50, idx.next());
  }

  @Test
  void lowerIndexResetsToZeroAndTheNextReplyCountsAsFirst() {
    WatchIndex idx = new WatchIndex();
    idx.observe(42);
    assertEquals(Outcome.RESET, idx.observe(7));
    assertEquals(0, idx.next());
    assertEquals(Outcome.FIRST, idx.observe(7));
    assertEquals(7, idx.next());
    assertEquals(Outcome.ADVANCED, idx.observe(8));
  }

  @Test
  void indexIsNeverZeroAfterAReply() {
    WatchIndex idx = new WatchIndex();
    assertEquals(Outcome.FIRST, idx.observe(0));
    assertEquals(1, idx.next());
    assertEquals(Outcome.UNCHANGED, idx.observe(0));
    assertEquals(1, idx.next());
    assertEquals(Outcome.ADVANCED, idx.observe(5));
    assertEquals(Outcome.RESET, idx.observe(0));
    assertEquals(0, idx.next());
    assertEquals(Outcome.FIRST, idx.observe(0));
    assertEquals(1, idx.next());
  }

  @Test
  void resetAfterAFailureStartsOverFromZero() {
    WatchIndex idx = new WatchIndex();
    idx.observe(42);
    idx.reset();
    assertEquals(0, idx.next());
    assertEquals(Outcome.FIRST, idx.observe(3));
  }
}

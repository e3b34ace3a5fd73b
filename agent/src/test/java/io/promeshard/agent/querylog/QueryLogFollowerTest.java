package io.promeshard.agent.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryLogFollowerTest {
  @TempDir Path dir;

  private final List<String> lines = new ArrayList<>();

  private void append(Path file, String text) throws Exception {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private List<String> poll(QueryLogFollower f) throws Exception {
    lines.clear();
    f.poll(l -> lines.add(l == null ? null : new String(l, StandardCharsets.UTF_8)));
    return new ArrayList<>(lines);
  }

  @Test
  void startsAtTheEndAndHandsOverOnlyCompleteLinesAppendedSince() throws Exception {
    Path log = dir.resolve("query.log");
    append(log, "old 1\nold 2\n");
    try (QueryLogFollower f = new QueryLogFollower(log)) {
      assertEquals(List.of(), poll(f), "what was logged before the agent ran is not news");
      append(log, "new 1\nnew 2 is hal");
      assertEquals(List.of("new 1"), poll(f));
      append(log, "f done\n");
      assertEquals(List.of("new 2 is half done"), poll(f));
      assertEquals(List.of(), poll(f));
    }
  }

  @Test
  void aRotatedLogIsReadToItsEndThenTheNewOneFromItsStart() throws Exception {
    Path log = dir.resolve("query.log");
    append(log, "");
    try (QueryLogFollower f = new QueryLogFollower(log)) {
      poll(f);
      append(log, "a\n");
      Files.move(log, dir.resolve("query.log.1"));
      append(dir.resolve("query.log.1"), "b written after the rename\n");
      assertEquals(List.of("a", "b written after the rename"), poll(f), "nothing in its place yet");
      append(log, "c in the new file\n");
      assertEquals(List.of("c in the new file"), poll(f));
      append(dir.resolve("query.log.1"), "d late in the old file\n");
      append(log, "e\n");
      assertEquals(List.of("e"), poll(f), "the old file is done with once the new one is read");
    }
  }

  @Test
  void aTruncatedLogIsReadAgainFromItsStart() throws Exception {
    Path log = dir.resolve("query.log");
    append(log, "");
    try (QueryLogFollower f = new QueryLogFollower(log)) {
      poll(f);
      append(log, "first line, long enough to be truncated\n");
      assertEquals(1, poll(f).size());
      Files.writeString(log, "after\n", StandardCharsets.UTF_8);
      assertEquals(List.of("after"), poll(f));
    }
  }

  @Test
  void aLogThatAppearsLaterIsReadFromItsStartAndAMissingOneIsNoError() throws Exception {
    Path log = dir.resolve("later.log");
    try (QueryLogFollower f = new QueryLogFollower(log)) {
      assertFalse(f.poll(l -> {}));
      append(log, "one\n");
      assertEquals(List.of("one"), poll(f));
    }
  }

  @Test
  void aLineLongerThanTheLimitIsHandedOverOnceAsNullAndTheNextLineIsWhole() throws Exception {
    Path log = dir.resolve("query.log");
    append(log, "");
    try (QueryLogFollower f = new QueryLogFollower(log)) {
      poll(f);
      append(log, "x".repeat(QueryLogFollower.MAX_LINE / 2));
      assertEquals(List.of(), poll(f));
      append(log, "x".repeat(QueryLogFollower.MAX_LINE) + "\nnext\n");
      List<String> got = poll(f);
      assertEquals(2, got.size(), "one too long, then the next: " + got.size());
      assertNull(got.get(0));
      assertEquals("next", got.get(1));
      assertTrue(f.position() > QueryLogFollower.MAX_LINE);
    }
  }
}

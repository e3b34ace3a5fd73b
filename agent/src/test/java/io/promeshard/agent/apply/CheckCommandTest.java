package io.promeshard.agent.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
  @TempDir Path dir;

  @Test
  void theStagedFileReplacesThePlaceholderOrIsAppended() {
    Path f = dir.resolve(".heavy.yml.tmp-1");
    assertEquals(
        List.of("promtool", "check", "rules", f.toString()),
        CheckCommand.parse("promtool check rules {}", Duration.ofSeconds(5)).commandFor(f));
    assertEquals(
        List.of("promtool", "check", "rules", f.toString()),
        CheckCommand.parse("  promtool  check rules ", Duration.ofSeconds(5)).commandFor(f));
    assertEquals(
        List.of("check", "--file=" + f),
        new CheckCommand(List.of("check", "--file={}"), Duration.ofSeconds(5)).commandFor(f));
  }

  @Test
  void aPassingCommandReturnsItsOutput() throws Exception {
    Path f = Files.writeString(dir.resolve("x.yml"), "groups: []\n");
    String out =
        new CheckCommand(List.of("sh", "-c", "echo checked $0", "{}"), Duration.ofSeconds(10))
            .check(f);
    assertEquals("checked " + f + "\n", out);
  }

  @Test
  void aFailingCommandReportsItsExitCodeAndOutput() {
    Path f = dir.resolve("x.yml");
    CheckCommand check =
        new CheckCommand(
            List.of("sh", "-c", "echo line one; echo line two >&2; exit 3"),
            Duration.ofSeconds(10));
    ApplyException e = assertThrows(ApplyException.class, () -> check.check(f));
    assertEquals(
        "check command exited 3: sh -c echo line one; echo line two >&2; exit 3 "
            + f
            + "; output:\nline one\nline two",
        e.getMessage());
  }

  @Test
  void aCommandThatOverrunsIsKilledWithItsChildren() throws Exception {
    Path pidFile = dir.resolve("child.pid");
    CheckCommand check =
        new CheckCommand(
            List.of("sh", "-c", "sleep 120 & echo $! > " + pidFile + "; echo started; wait"),
            Duration.ofMillis(500));

    ApplyException e = assertThrows(ApplyException.class, () -> check.check(dir.resolve("x.yml")));

    assertTrue(
        e.getMessage().startsWith("check command timed out after 500 ms and was killed: sh -c"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("; output:\nstarted"), e.getMessage());
    long child = Long.parseLong(Files.readString(pidFile).strip());
    Await.until(
        Duration.ofSeconds(10),
        "the check command's child " + child + " to be killed",
        () -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void aMissingProgramIsAnErrorNamingIt() {
    CheckCommand check =
        CheckCommand.parse("/nonexistent/promtool check rules", Duration.ofSeconds(5));
    ApplyException e = assertThrows(ApplyException.class, () -> check.check(dir.resolve("x.yml")));
    assertTrue(
        e.getMessage().startsWith("check command /nonexistent/promtool check rules "),
        e.getMessage());
  }

  @Test
  void badSettingsNameTheKey() {
    IllegalArgumentException blank =
        assertThrows(
            IllegalArgumentException.class, () -> CheckCommand.parse(" ", Duration.ofSeconds(1)));
    assertEquals("rule_check_command: expected a command, found \" \"", blank.getMessage());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class, () -> CheckCommand.parse("promtool", Duration.ZERO));
    assertEquals("rule_check_timeout: expected a positive duration, found PT0S", zero.getMessage());
  }
}

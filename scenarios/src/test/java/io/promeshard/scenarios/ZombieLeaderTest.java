package io.promeshard.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promeshard.protocol.KvLayout;
import io.promeshard.testkit.Await;
import io.promeshard.testkit.FreePorts;
import io.promeshard.testkit.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault: the active coordinator is frozen (SIGSTOP) longer than its session lives; the standby
 * takes over and publishes an edit; the old leader is thawed (SIGCONT). None of its writes lands
 * (Consul's ModifyIndex of every key under {@code nodes/} and {@code status/coordinator} stay as
 * the new leader left them), it notices and stands by. Then the new leader stops and the old one
 * leads again: it continues from what was published and writes no share when nothing changed.
 */
class ZombieLeaderTest {
  private static final int SERVERS = 2;
  private static final int TARGETS = 40;
  private static final String JOB = "web";
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final KvLayout LAYOUT = KvLayout.defaults();

  /** A short resync: the thawed leader finds a read and a dispatch overdue the moment it wakes. */
  private static final String SETTINGS = "{\"flap_hold\": \"3s\", \"resync_interval\": \"3s\"}";

  private Fleet fleet;

  @RegisterExtension final LogsOnFailure logsOnFailure = new LogsOnFailure(() -> fleet);

  @Test
  void aThawedLeaderWritesNothingStandsByAndLaterContinuesFromWhatWasPublished() throws Exception {
    Path dir = FaultLogs.fresh("zombie-leader");
    int port = FreePorts.one();
    Set<String> expected = new TreeSet<>(Jobs.addresses(0, TARGETS, port));
    Fleet started = Fleet.start(dir, SERVERS, SETTINGS, Map.of(JOB, Jobs.spec(expected)));
    fleet = started;
    try (started) {
      Coordinators coordinators = fleet.coordinators();
      ManagedProcess a = coordinators.start();
      assertEquals(a, coordinators.awaitLeader(WAIT), "the first coordinator leads");
      ManagedProcess b = coordinators.start();
      fleet.awaitSettled(JOB, expected, WAIT);
      long epochA = coordinators.epoch();

      try (OutputReader reader = OutputReader.watching(fleet.fileSdDirs());
          ManifestHistory history = ManifestHistory.watching(fleet.kv(), LAYOUT)) {
        // freeze A past its session (Consul invalidates it within 2 x TTL); B takes over and
        // publishes an edit meanwhile
        long stopped = System.nanoTime();
        Signals.send(a.pid(), "STOP");
        Set<String> edited = new TreeSet<>(expected);
        SortedMap<String, Long> afterEdit;
        long statusEpochAfterEdit;
        Duration editActive;
        try {
          Await.until(
              WAIT,
              "the standby holding the lock while the leader is frozen",
              () -> coordinators.leader().filter(p -> p == b).isPresent());
          long epochB = coordinators.epoch();
          assertTrue(epochB > epochA, "a new term: " + epochA + " -> " + epochB);
          new ArrayList<>(expected).subList(0, 5).forEach(edited::remove);
          edited.addAll(Jobs.addresses(TARGETS, 5, port));
          fleet.kv().put(LAYOUT.job(JOB), Jobs.spec(edited));
          Await.until(
              WAIT,
              "the edit published by the new leader and scraped",
              () -> {
                Shares shares = fleet.shares(JOB);
                return shares != null
                    && shares.placement().exactlyOnce(edited)
                    && shares.maxEpoch() == epochB
                    && coordinators.statusEpoch() == epochB
                    && fleet.settled(JOB, edited);
              });
          editActive = Duration.ofNanos(System.nanoTime() - stopped);
          afterEdit = publishedIndexes();
          statusEpochAfterEdit = coordinators.statusEpoch();
        } finally {
          Signals.send(a.pid(), "CONT");
        }

        // thaw A: it notices it lost the lock, stands by, and nothing it tries lands
        long thawed = System.nanoTime();
        Await.until(
            WAIT,
            "the thawed coordinator reporting standby on /healthz",
            () -> coordinators.health(a).contains("standby"));
        Duration noticed = Duration.ofNanos(System.nanoTime() - thawed);
        assertEquals(b, coordinators.leader().orElse(null), "the new leader keeps the lock");
        assertEquals(
            afterEdit,
            publishedIndexes(),
            "keys under nodes/ and status/coordinator written after the old leader woke");
        assertEquals(statusEpochAfterEdit, coordinators.statusEpoch());
        long latestEpoch = coordinators.epoch();
        assertTrue(
            history.epochs().stream().allMatch(e -> e <= latestEpoch),
            "manifest epochs " + history.epochs() + " above the lock's " + latestEpoch);
        boolean attempted =
            Files.readString(a.logFile()).contains("leadership lost while publishing");

        // fail back: B stops, A leads again from what B published and writes no share
        Placement beforeFailBack = fleet.active();
        SortedMap<String, Long> beforeFailBackIndexes = shareIndexes();
        long failBack = System.nanoTime();
        b.stop();
        Await.until(
            WAIT,
            "the old leader leading again and dispatching",
            () ->
                coordinators.leader().filter(p -> p == a).isPresent()
                    && coordinators.statusEpoch() == coordinators.epoch());
        Duration ledAgain = Duration.ofNanos(System.nanoTime() - failBack);
        int keysWritten = changed(beforeFailBackIndexes, shareIndexes());
        Placement active = fleet.active();
        Set<String> lost = active.lost(edited);
        FaultTable.add(
            new FaultTable.Row(
                "zombie leader (SIGSTOP past the session TTL, standby publishes, SIGCONT; fail"
                    + " back)",
                lost.size(),
                active.duplicates().size(),
                reader.bad().size(),
                editActive));
        System.out.println(
            "[fault] zombie leader: SIGSTOP -> edit active "
                + Figures.seconds(editActive)
                + ", SIGCONT -> standby "
                + Figures.seconds(noticed)
                + " (a write was attempted and refused: "
                + attempted
                + "), fail back -> leading and dispatched "
                + Figures.seconds(ledAgain)
                + ", share keys written by the fail back: "
                + keysWritten);

        assertEquals(0, keysWritten, "share keys written by a fail back with unchanged inputs");
        assertEquals(beforeFailBack, active, "targets moved by the fail back");
        assertTrue(active.exactlyOnce(edited), active.problemsAgainst(edited));
        assertEquals(List.of(), history.reused(), "a generation number published for two contents");
        assertEquals(List.of(), reader.bad(), "partial or invalid files seen during the fault");
        assertTrue(reader.reads() > 0, "the output reader ran");
      }
    }
  }

  /** ModifyIndex of every key under {@code nodes/}. */
  private SortedMap<String, Long> shareIndexes() {
    return fleet.kv().modifyIndexes(LAYOUT.nodesDir());
  }

  /** ModifyIndex of every key under {@code nodes/} and of {@code status/coordinator}. */
  private SortedMap<String, Long> publishedIndexes() {
    SortedMap<String, Long> out = new TreeMap<>(shareIndexes());
    fleet
        .kv()
        .entry(LAYOUT.coordinatorStatus())
        .ifPresent(e -> out.put(LAYOUT.coordinatorStatus(), e.path("ModifyIndex").asLong()));
    return out;
  }

  /** Keys written, added or removed between two index snapshots. */
  private static int changed(Map<String, Long> before, Map<String, Long> after) {
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    return (int) keys.stream().filter(k -> !Objects.equals(before.get(k), after.get(k))).count();
  }
}

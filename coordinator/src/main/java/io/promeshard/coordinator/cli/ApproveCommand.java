package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.config.CoordinatorConfig;
import io.promeshard.coordinator.publish.CoordinatorStatus;
import io.promeshard.protocol.HoldApproval;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.cli.ExitCodes;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code approve}: releases the dispatch the leader holds back because it would remove too much at
 * once, as {@code status} shows it. Writes {@code hold-approval} naming exactly that hold, so an
 * approval never releases a different change. Exit 1 when nothing approvable is held or {@code
 * --id} names another hold.
 */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Release the dispatch the leader holds back (it would remove more than"
          + " max_removed_fraction of the published targets, or every job).",
      "Run 'status' first: it shows what is held and why."
    })
public final class ApproveCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--id",
      paramLabel = "HOLD",
      description = "The hold to release, as status shows it (default: the one held now).")
  String id;

  @Override
  public Integer call() throws IOException {
    CoordinatorConfig cfg = connection.load();
    KvLayout layout = cfg.layout();
    try (ConsulHttp http = ConsulHttp.create(cfg.consulSettings())) {
      KvClient kv = new KvClient(http);
      Optional<KvEntry> status = kv.get(layout.coordinatorStatus());
      CoordinatorStatus.HoldSummary hold =
          status.isEmpty()
              ? null
              : Json.decode(status.get().key(), status.get().value(), CoordinatorStatus.class)
                  .hold();
      String refusal = refusal(hold, id);
      if (refusal != null) {
        System.err.println("prome-shard-coordinator approve: " + refusal);
        return ExitCodes.RUNTIME;
      }
      HoldApproval approval =
          new HoldApproval(hold.id(), user(), Clock.systemUTC().instant().toString());
      kv.put(layout.holdApproval(), Json.encode(approval));
      print(System.out, hold);
      return ExitCodes.OK;
    }
  }

  /** Why {@code hold} cannot be approved as asked, or null when it can. */
  static String refusal(CoordinatorStatus.HoldSummary hold, String wanted) {
    if (hold == null) {
      return "nothing is held: the leader publishes as usual";
    }
    if (!hold.approvable()) {
      return "the held dispatch cannot be approved: " + hold.reason() + "; it " + hold.release();
    }
    if (wanted != null && !wanted.equals(hold.id())) {
      return "the dispatch held now is "
          + hold.id()
          + ", not "
          + wanted
          + ": run status and approve what it shows";
    }
    return null;
  }

  static void print(PrintStream out, CoordinatorStatus.HoldSummary hold) {
    out.println("approved hold " + hold.id() + ": " + hold.reason());
    out.println("the leader publishes it at its next dispatch; status shows when it is done");
  }

  private static String user() {
    String name = System.getProperty("user.name", "unknown");
    try {
      return name + "@" + InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return name;
    }
  }
}

package io.promeshard.coordinator.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promeshard.coordinator.cli.CoordinatorMain;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.ConsulSettings;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.TxnWriter;
import io.promeshard.testkit.Binaries;
import io.promeshard.testkit.ConsulExtension;
import io.promeshard.testkit.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code prome-shard-coordinator records import} end to end with real Consul, promtool and
 * redis-server.
 */
class RecordsCommandTest {
  @RegisterExtension static final ConsulExtension consul = new ConsulExtension();
  private static RedisServer redis;
  private static final KvLayout LAYOUT = KvLayout.defaults();

  @TempDir Path tmp;
  private ConsulHttp http;
  private KvClient kv;

  /** What one CLI run printed and returned. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start(ConsulExtension.logDir(RecordsCommandTest.class).resolve("redis"));
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void setUp() {
    consul.clearKv();
    try (Jedis j = new Jedis(URI.create(redis.url()))) {
      j.flushAll();
    }
    http = ConsulHttp.create(ConsulSettings.of(consul.url()));
    kv = new KvClient(http);
  }

  @AfterEach
  void tearDown() {
    http.close();
  }

  private Run run(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("records", "import", "--consul", consul.url(), "--config", configFile()));
    all.addAll(List.of(args));
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = CoordinatorMain.execute(all.toArray(String[]::new));
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /**
   * A coordinator file of our own, so a /etc/prome-shard/coordinator.yml on the build machine plays
   * no part.
   */
  private String configFile() {
    Path file = tmp.resolve("coordinator.yml");
    try {
      Files.writeString(file, "prefix: prome-shard/\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file.toString();
  }

  private String promtool() {
    return Binaries.promtool().toString();
  }

  private int registered() throws IOException {
    return new Registry(kv, new TxnWriter(http), LAYOUT).read().size();
  }

  @Test
  void queryLogImportRegistersArchivesExportsAndAccountsForEveryLine() throws Exception {
    kv.put(
        LAYOUT.settings(),
        "{\"record_group\":\"slow_queries\",\"record_interval\":\"1m\"}"
            .getBytes(StandardCharsets.UTF_8));
    Path archive = tmp.resolve("archive");
    Run r =
        run(
            "--query-log",
            RecordInputTest.fixture("query.log").toString(),
            "--archive-dir",
            archive.toString(),
            "--redis",
            redis.url(),
            "--promtool",
            promtool());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(
        r.out()
            .contains(
                "read 16 lines, 5 malformed, 2 below threshold, 1 duplicates, 2 invalid, 4 new, "
                    + "0 already registered, 1 blank or comment, 1 rule evaluations skipped"),
        r.out());
    assertTrue(r.out().contains("invalid line 7 hke:heavy_expr:"), r.out());
    assertTrue(r.out().contains("could not parse expression"), r.out());
    assertTrue(
        r.out()
            .contains("invalid line 13: (empty)" + System.lineSeparator() + "    empty expression"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "added records/1 hke:heavy_expr:8ecb9855f58d8f09d59fd744f5ea5e80 = "
                    + "sum(rate(prometheus_http_requests_total[1m])) by (handler)"),
        r.out());
    assertTrue(
        r.out().contains("5 expressions checked with " + promtool() + " (1 run), 1 refused"),
        r.out());
    assertTrue(r.out().contains("registry: 4 records, next index 5"), r.out());
    assertTrue(
        r.out()
            .contains(
                "redis: 4 pairs written to "
                    + redis.url()
                    + ", 4 names added to set prome-shard:records (4 members)"),
        r.out());

    Path file =
        archive.resolve(
            RuleArchive.fileName(4, LocalDate.now(Clock.system(ZoneId.systemDefault()))));
    RuleArchiveTest.promtoolCheck(file);
    JsonNode group = new YAMLMapper().readTree(file.toFile()).path("groups").get(0);
    assertEquals("slow_queries", group.path("name").asText());
    assertEquals("1m", group.path("interval").asText());
    assertEquals(4, group.path("rules").size());
    try (Jedis j = new Jedis(URI.create(redis.url()))) {
      assertEquals("up\n + 1", j.get("hke:heavy_expr:d13d3aa3cffcc28ded2f6a8ec8adb93b"));
      assertEquals(4, j.scard("prome-shard:records"));
    }

    Run exprs =
        run(
            "--exprs",
            RecordInputTest.fixture("exprs.txt").toString(),
            "--archive-dir",
            archive.toString(),
            "--redis",
            redis.url(),
            "--promtool",
            promtool());
    assertEquals(0, exprs.exit(), exprs.out() + exprs.err());
    assertTrue(
        exprs
            .out()
            .contains(
                "read 10 lines, 1 malformed, 0 below threshold, 1 duplicates, 1 invalid, 4 new, "
                    + "0 already registered, 3 blank or comment"),
        exprs.out());
    assertTrue(
        exprs
            .out()
            .contains(
                "added records/8 hke:heavy_expr:89d137ad5bda28484dacf34a628040ba = avg(node_load5)"),
        exprs.out());
    assertTrue(
        Files.exists(
            archive.resolve(
                RuleArchive.fileName(8, LocalDate.now(Clock.system(ZoneId.systemDefault()))))));

    Run again =
        run(
            "--query-log",
            RecordInputTest.fixture("query.log").toString(),
            "--redis",
            redis.url(),
            "--promtool",
            promtool());
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(again.out().contains("2 invalid, 0 new, 4 already registered"), again.out());
    assertTrue(again.out().contains("redis: 0 pairs written"), again.out());
    assertEquals(8, registered());
  }

  @Test
  void redisPasswordComesFromAFileNotTheCommandLine() throws IOException {
    Path passwordFile = tmp.resolve("redis.password");
    Files.writeString(passwordFile, "pw-from-file\n", StandardCharsets.UTF_8);
    try (RedisServer locked =
        RedisServer.start(
            ConsulExtension.logDir(RecordsCommandTest.class).resolve("redis-auth"),
            "pw-from-file")) {
      String exprs = RecordInputTest.fixture("exprs.txt").toString();
      Run refused = run("--exprs", exprs, "--redis", locked.url(), "--no-check");
      assertEquals(1, refused.exit(), refused.out() + refused.err());
      assertTrue(refused.out().contains("FAILED: redis " + locked.url()), refused.out());
      Run r =
          run(
              "--exprs",
              exprs,
              "--redis",
              locked.url(),
              "--redis-password-file",
              passwordFile.toString(),
              "--redis-all",
              "--no-check");
      assertEquals(0, r.exit(), r.out() + r.err());
      assertFalse((r.out() + r.err()).contains("pw-from-file"), r.out() + r.err());
      try (Jedis j = new Jedis(URI.create("redis://:pw-from-file@127.0.0.1:" + locked.port()))) {
        assertEquals(registered(), j.scard("prome-shard:records"));
      }
    }
    Run noRedis =
        run("--exprs", "x", "--redis-password-file", passwordFile.toString(), "--no-check");
    assertEquals(2, noRedis.exit(), noRedis.out() + noRedis.err());
    assertTrue(noRedis.err().contains("--redis-password-file needs --redis"), noRedis.err());
  }

  @Test
  void usageConfigAndInputErrorsExitTwoAndWriteNothing() throws IOException {
    String log = RecordInputTest.fixture("query.log").toString();
    String exprs = RecordInputTest.fixture("exprs.txt").toString();
    List<String[]> cases =
        List.of(
            new String[] {"--query-log", tmp.resolve("missing.log").toString()},
            new String[] {"--exprs", tmp.toString()},
            new String[] {"--query-log", log, "--exprs", exprs},
            new String[] {},
            new String[] {"--exprs", exprs, "--min-duration", "2s"},
            new String[] {"--query-log", log, "--min-duration", "2 seconds"},
            new String[] {"--exprs", exprs, "--prefix-name", "9bad"},
            new String[] {"--exprs", exprs, "--redis", "http://127.0.0.1:6379"},
            new String[] {"--exprs", exprs, "--redis-all"},
            new String[] {"--exprs", exprs, "--promtool", exprs});
    for (String[] given : cases) {
      // with a promtool, so that each case fails for its own reason
      String[] args =
          List.of(given).contains("--promtool")
              ? given
              : Stream.concat(Stream.of(given), Stream.of("--promtool", promtool()))
                  .toArray(String[]::new);
      Run r = run(args);
      assertEquals(2, r.exit(), String.join(" ", args) + "\n" + r.out() + r.err());
      assertFalse(r.err().isBlank(), "an error message for " + String.join(" ", args));
    }
    Run missing =
        run("--query-log", tmp.resolve("missing.log").toString(), "--promtool", promtool());
    assertTrue(missing.err().contains("missing.log: no such file"), missing.err());

    kv.put(LAYOUT.settings(), "{\"record_interval\":\"soon\"}".getBytes(StandardCharsets.UTF_8));
    Run badSettings =
        run(
            "--exprs",
            exprs,
            "--archive-dir",
            tmp.resolve("a").toString(),
            "--promtool",
            promtool());
    assertEquals(2, badSettings.exit(), badSettings.out() + badSettings.err());
    assertTrue(badSettings.err().contains("record_interval"), badSettings.err());
    assertEquals(0, registered(), "nothing registered when the settings are bad");
  }

  @Test
  void consulUnreachableExitsOne() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> args =
        List.of(
            "records",
            "import",
            "--consul",
            "http://127.0.0.1:" + port,
            "--config",
            configFile(),
            "--exprs",
            RecordInputTest.fixture("exprs.txt").toString(),
            "--promtool",
            promtool());
    PrintStream err = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      assertEquals(1, CoordinatorMain.execute(args.toArray(String[]::new)));
    } finally {
      System.setErr(err);
    }
    assertTrue(
        e.toString(StandardCharsets.UTF_8).contains("127.0.0.1:" + port),
        e.toString(StandardCharsets.UTF_8));
  }

  @Test
  void redisUnreachableExitsOneAfterRegisteringAndRedisAllRepairsIt() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String exprs = RecordInputTest.fixture("exprs.txt").toString();
    Run r = run("--exprs", exprs, "--redis", "redis://127.0.0.1:" + port, "--promtool", promtool());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("4 new"), r.out());
    assertTrue(r.out().contains("FAILED: redis redis://127.0.0.1:" + port), r.out());
    assertTrue(r.out().contains("rerun with --redis-all"), r.out());
    assertEquals(4, registered());

    Run repair =
        run("--exprs", exprs, "--redis", redis.url(), "--redis-all", "--promtool", promtool());
    assertEquals(0, repair.exit(), repair.out() + repair.err());
    assertTrue(repair.out().contains("0 new, 4 already registered"), repair.out());
    try (Jedis j = new Jedis(URI.create(redis.url()))) {
      assertEquals(4, j.scard("prome-shard:records"));
    }
  }

  @Test
  void dryRunWritesNothing() throws IOException {
    Run r =
        run(
            "--exprs",
            RecordInputTest.fixture("exprs.txt").toString(),
            "--dry-run",
            "--archive-dir",
            tmp.resolve("a").toString(),
            "--redis",
            redis.url(),
            "--promtool",
            promtool());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("4 new (not written: dry run)"), r.out());
    assertTrue(r.out().contains("would add records/1 "), r.out());
    assertEquals(0, registered());
    if (Files.exists(tmp.resolve("a"))) {
      try (Stream<Path> archived = Files.list(tmp.resolve("a"))) {
        assertFalse(archived.findAny().isPresent());
      }
    }
    try (Jedis j = new Jedis(URI.create(redis.url()))) {
      assertEquals(0, j.dbSize());
    }
  }

  @Test
  void withoutPromtoolTheImportExitsTwoNamingHowToGetOneAndRegistersNothing() throws Exception {
    // A real CLI process whose PATH holds no promtool, so the lookup cannot find one.
    Path emptyBin = Files.createDirectories(tmp.resolve("bin"));
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CoordinatorMain.class.getName(),
                "records",
                "import",
                "--consul",
                consul.url(),
                "--config",
                configFile(),
                "--exprs",
                RecordInputTest.fixture("exprs.txt").toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("cli.out").toFile());
    pb.environment().put("PATH", emptyBin.toString());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI finished");
    String out = Files.readString(tmp.resolve("cli.out"), StandardCharsets.UTF_8);
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains(ImportRequest.PROMTOOL_MISSING), out);
    assertTrue(out.contains("--no-check"), out);
    assertEquals(0, registered());

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ImportRequest(
                    ImportRequest.Source.EXPRS,
                    RecordInputTest.fixture("exprs.txt"),
                    null,
                    RecordNaming.defaults(),
                    null,
                    null,
                    null,
                    false,
                    Optional.empty(),
                    false,
                    false));
    assertEquals(ImportRequest.PROMTOOL_MISSING, e.getMessage());
  }

  @Test
  void noCheckRegistersUncheckedAndTheSummarySaysSo() throws IOException {
    Run r =
        run(
            "--exprs",
            RecordInputTest.fixture("exprs.txt").toString(),
            "--no-check",
            "--promtool",
            promtool());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(
        r.out().contains("not checked (--no-check): 5 expressions taken without a syntax check"),
        r.out());
    assertTrue(r.out().contains("5 new"), r.out());
    assertEquals(5, registered(), "the unparsable one too");

    ImportReport report =
        new RecordImport(kv, new TxnWriter(http), LAYOUT, Clock.system(ZoneId.systemDefault()))
            .run(ImportRequest.exprs(RecordInputTest.fixture("exprs.txt"), Optional.empty()));
    assertTrue(report.check().startsWith("not checked (--no-check)"), report.check());
    assertTrue(report.invalid().isEmpty());
  }

  @Test
  void checkedImportThroughTheApiRefusesTheUnparsableExpression() throws IOException {
    ImportReport report =
        new RecordImport(kv, new TxnWriter(http), LAYOUT, Clock.system(ZoneId.systemDefault()))
            .run(
                ImportRequest.exprs(
                    RecordInputTest.fixture("exprs.txt"), Optional.of(Binaries.promtool())));
    assertTrue(report.check().endsWith("1 refused"), report.check());
    assertEquals(4, report.added());
    assertEquals(1, report.invalid().size());
  }

  @Test
  void archiveDirThatIsAFileIsAUsageError() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain"), "x");
    Run r =
        run(
            "--exprs",
            RecordInputTest.fixture("exprs.txt").toString(),
            "--archive-dir",
            file.toString(),
            "--promtool",
            promtool());
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("--archive-dir: not a directory"), r.err());
    assertEquals(0, registered());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(
          List.of("coordinator.yml", "plain"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}

package io.promeshard.coordinator.records;

import io.promeshard.protocol.PromtoolOutput;
import io.promeshard.protocol.RecordRule;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks expressions with {@code promtool check rules}: all candidates go into one temporary rule
 * file, and promtool's per-rule errors ({@code group "g", rule N, "<record>": <error>}) are mapped
 * back to the rules. When promtool fails without per-rule errors, the list is bisected so that only
 * the failing parts are checked again. A promtool that cannot run or hangs is an IOException.
 */
public final class PromtoolCheck {
  private static final Logger log = LoggerFactory.getLogger(PromtoolCheck.class);
  static final String GROUP = "prome_shard_check";
  private static final int MAX_OUTPUT_CHARS = 2000;

  private final Path promtool;
  private final Duration timeout;
  private int runs;

  public PromtoolCheck(Path promtool, Duration timeout) {
    this.promtool = promtool;
    this.timeout = timeout;
  }

  public PromtoolCheck(Path promtool) {
    this(promtool, Duration.ofMinutes(2));
  }

  public Path promtool() {
    return promtool;
  }

  /** How many times promtool was run so far (1 per batch without bisection). */
  public int runs() {
    return runs;
  }

  /**
   * {@code explicit} when given (it must be an executable file, else IllegalArgumentException
   * naming {@code --promtool}), else {@code promtool} on PATH, else empty.
   */
  public static Optional<Path> locate(Path explicit) {
    if (explicit != null) {
      if (!Files.isRegularFile(explicit) || !Files.isExecutable(explicit)) {
        throw new IllegalArgumentException("--promtool: not an executable file: " + explicit);
      }
      return Optional.of(explicit);
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Paths.get(d, "promtool"))
        .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
        .findFirst();
  }

  /** The rules promtool refuses, by record name, with its error; rule names must be unique. */
  public Map<String, String> invalid(List<RecordRule> rules) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (rules.isEmpty()) {
      return out;
    }
    Path dir = Files.createTempDirectory("prome-shard-promtool");
    try {
      check(dir, rules, out);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return out;
  }

  private void check(Path dir, List<RecordRule> rules, Map<String, String> out) throws IOException {
    Result r = run(dir, rules);
    if (r.exit() == 0) {
      return;
    }
    Map<Integer, String> perRule = perRuleErrors(r.output(), rules);
    if (!perRule.isEmpty()) {
      perRule.forEach((n, error) -> out.put(rules.get(n - 1).record(), error));
      return;
    }
    if (rules.size() == 1) {
      out.put(rules.get(0).record(), r.summary());
      return;
    }
    log.info(
        "[records] promtool failed on {} rules without naming one ({}); checking halves",
        rules.size(),
        r.summary());
    int half = rules.size() / 2;
    check(dir, rules.subList(0, half), out);
    check(dir, rules.subList(half, rules.size()), out);
  }

  /** Rule number (1-based) to error, from lines naming a rule of our group whose record matches. */
  static Map<Integer, String> perRuleErrors(String output, List<RecordRule> rules) {
    return PromtoolOutput.ruleErrors(output, GROUP, rules);
  }

  private record Result(int exit, String output) {
    String summary() {
      String s = output.strip().replaceAll("\\s*\n\\s*", " | ");
      return s.length() > MAX_OUTPUT_CHARS ? s.substring(0, MAX_OUTPUT_CHARS) + "..." : s;
    }
  }

  private Result run(Path dir, List<RecordRule> rules) throws IOException {
    Path file = dir.resolve("candidates.yml");
    Files.writeString(file, RuleFiles.yaml(GROUP, null, rules), StandardCharsets.UTF_8);
    Path outFile = dir.resolve("promtool.out");
    List<String> cmd =
        new ArrayList<>(List.of(promtool.toString(), "check", "rules", file.toString()));
    runs++;
    Process p;
    try {
      p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(outFile.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new IOException("running " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            promtool
                + " check rules did not finish within "
                + timeout
                + " ("
                + rules.size()
                + " rules)");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + promtool, e);
    }
    String output = new String(Files.readAllBytes(outFile), StandardCharsets.UTF_8);
    log.debug("[records] {} check rules: {} rules, exit {}", promtool, rules.size(), p.exitValue());
    return new Result(p.exitValue(), output);
  }
}

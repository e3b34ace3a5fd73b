package io.promeshard.coordinator.records;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one {@code records import}, printed as the summary: every input line accounted
 * for, what was registered, the registry afterwards, and what was archived and exported. {@code
 * failures} lists archive or Redis steps that failed after the registry was written (exit 1).
 */
public record ImportReport(
    ParsedInput input,
    List<Rejected> invalid,
    String check,
    Registration registration,
    int registrySize,
    long nextIndex,
    Map<String, String> registryProblems,
    Path archive,
    String redis,
    List<String> failures,
    boolean dryRun) {

  public ImportReport {
    Objects.requireNonNull(input, "input");
    invalid = List.copyOf(invalid);
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(registration, "registration");
    registryProblems = Map.copyOf(registryProblems);
    failures = List.copyOf(failures);
  }

  public int added() {
    return registration.added().size();
  }

  public int alreadyRegistered() {
    return registration.alreadyRegistered().size();
  }

  /** The one-line account of the input: lines read and where each went. */
  public String summaryLine() {
    StringBuilder sb =
        new StringBuilder("read ")
            .append(input.lines())
            .append(" lines, ")
            .append(input.malformed())
            .append(" malformed, ")
            .append(input.belowThreshold())
            .append(" below threshold, ")
            .append(input.duplicates())
            .append(" duplicates, ")
            .append(invalid.size())
            .append(" invalid, ")
            .append(added())
            .append(dryRun ? " new (not written: dry run), " : " new, ")
            .append(alreadyRegistered())
            .append(" already registered");
    if (input.skipped() > 0) {
      sb.append(", ").append(input.skipped()).append(" blank or comment");
    }
    if (input.ruleEvaluations() > 0) {
      sb.append(", ").append(input.ruleEvaluations()).append(" rule evaluations skipped");
    }
    return sb.toString();
  }

  public void print(PrintStream out) {
    out.println("records import (" + input.source() + "): " + summaryLine());
    input.malformedSamples().forEach(s -> out.println("  malformed " + s));
    if (input.malformed() > input.malformedSamples().size()) {
      out.println(
          "  ... and "
              + (input.malformed() - input.malformedSamples().size())
              + " more malformed lines");
    }
    for (Rejected r : invalid) {
      out.println(
          "  invalid line "
              + r.line()
              + (r.record().isEmpty() ? "" : " " + r.record())
              + ": "
              + (r.expr().isBlank() ? "(empty)" : oneLine(r.expr())));
      out.println("    " + r.reason());
    }
    registration
        .added()
        .forEach(
            (index, rule) ->
                out.println(
                    "  "
                        + (dryRun ? "would add" : "added")
                        + " records/"
                        + index
                        + " "
                        + rule.record()
                        + " = "
                        + oneLine(rule.expr())));
    out.println("check: " + check);
    out.println(
        "registry: "
            + registrySize
            + " records, next index "
            + nextIndex
            + (registration.conflicts() > 0
                ? " (" + registration.conflicts() + " concurrent-write retries)"
                : ""));
    registryProblems.forEach((key, problem) -> out.println("  unreadable " + key + ": " + problem));
    if (archive != null) {
      out.println("archive: " + archive);
    }
    if (redis != null) {
      out.println("redis: " + redis);
    }
    failures.forEach(f -> out.println("FAILED: " + f));
  }

  private static String oneLine(String expr) {
    String s = expr.replace("\n", "\\n");
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}

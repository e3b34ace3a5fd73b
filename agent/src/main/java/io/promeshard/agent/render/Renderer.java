package io.promeshard.agent.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.RecordRule;
import io.promeshard.protocol.ScrapeSettings;
import io.promeshard.protocol.TargetGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders a job's target groups into file_sd JSON, a rule group into a Prometheus rule file and a
 * job's scrape settings into a scrape-config file, then parses the output back; a template that is
 * missing, fails to compile or renders invalid or unfaithful output throws a RenderException naming
 * the template, and nothing is returned to write. Stateless apart from the compiled templates, so
 * it may be shared between threads.
 */
public final class Renderer {
  /** Scrape settings full of awkward strings and every kind of JSON value, for {@link #check}. */
  private static final ScrapeSettings CHECK_SETTINGS =
      ScrapeSettings.of(
          parse(
              """
              {"metrics_path": "/probe", "params": {"module": ["http_2xx"], "q\\"": ["a: #b", ""]},
               "scrape_interval": "15s", "honor_labels": true, "sample_limit": 1000,
               "relabel_configs": [{"source_labels": ["__address__"], "regex": "(.*)\\\\n",
                 "replacement": "x \\"y\\" {{z}} \\u00e9\\u4e2d\\u2028 \\\\ \\n\\t'!&*",
                 "target_label": "__param_target"}],
               "tls_config": {"insecure_skip_verify": false, "ca_file": null}, "x": [], "y": {},
               "z": -1.5e3}
              """));

  private final Templates templates;

  public Renderer(Templates templates) {
    this.templates = Objects.requireNonNull(templates, "templates");
  }

  /** {@code <job>.json}: the target groups of one job. */
  public RenderResult renderTargets(String job, List<TargetGroup> groups) {
    Names.job(job);
    List<TargetGroup> copy = List.copyOf(groups);
    RenderedBytes out = render(Templates.FILE_SD, TemplateData.fileSd(job, copy));
    OutputCheck.targets(label(Templates.FILE_SD), job, out, copy);
    int count = copy.stream().mapToInt(g -> g.targets().size()).sum();
    return new RenderResult(OutputKind.TARGETS, job, out, count);
  }

  /**
   * {@code <group>.yml}: one rule group evaluated every {@code interval} (null: Prometheus' global
   * interval).
   */
  public RenderResult renderRules(String group, List<RecordRule> rules, Duration interval) {
    Names.group(group);
    List<RecordRule> copy = List.copyOf(rules);
    String every = TemplateData.prometheusDuration(interval);
    RenderedBytes out = render(Templates.RULES, TemplateData.rules(group, copy, every));
    OutputCheck.rules(label(Templates.RULES), group, out, every, copy);
    return new RenderResult(OutputKind.RULES, group, out, copy.size());
  }

  /**
   * {@code <job>.yml}: the scrape config of a job with its own {@code settings}, reading its
   * targets from {@code targetsFile}.
   */
  public RenderResult renderScrapeConfig(String job, ScrapeSettings settings, Path targetsFile) {
    Names.job(job);
    String file = targetsFile.toAbsolutePath().normalize().toString();
    JsonNode json = settings.json();
    RenderedBytes out = render(Templates.SCRAPE_CONFIG, TemplateData.scrapeConfig(job, file, json));
    OutputCheck.scrapeConfig(label(Templates.SCRAPE_CONFIG), job, out, file, json);
    return new RenderResult(OutputKind.SCRAPE_CONFIG, job, out, 1);
  }

  /**
   * Compiles all templates and renders sample data full of awkward characters through the same
   * checks, so a broken template is found at startup or by {@code prome-shard-agent check}.
   */
  public void check() {
    renderTargets(
        "check",
        List.of(
            new TargetGroup(
                List.of("10.0.0.1:9100", "host-\"2\":9100"),
                Map.of("env", "a \"b\" \\c\nd\te {{x}} </script> \u00e9\u4e2d\u2028", "zone", "")),
            TargetGroup.of("10.0.0.3:9100", Map.of())));
    renderTargets("check", List.of());
    renderRules(
        "check",
        List.of(
            new RecordRule("check:a", "sum by (job) (rate(x{a=\"b: #c\"}[5m]))\n# comment"),
            new RecordRule("check:b", "*&!{{x}} 'y' \\ \"z\"")),
        Duration.ofSeconds(30));
    renderRules("check", List.of(), null);
    renderScrapeConfig(
        "check", CHECK_SETTINGS, Path.of("/var/lib/prome-shard/a \"b\" #c: d/check.json"));
    renderScrapeConfig(
        "check",
        ScrapeSettings.of(new ObjectMapper().createObjectNode()),
        Path.of("/x/check.json"));
  }

  /**
   * Renders straight into UTF-8 blocks: the template data produces one element's fields at a time
   * ({@link TemplateData}), and no String of the whole output is ever built.
   */
  private RenderedBytes render(String name, Map<String, Object> data) {
    Mustache mustache = templates.compile(name);
    RenderedBytes.Sink sink = new RenderedBytes.Sink();
    try (Writer out = new Utf8Writer(sink)) {
      mustache.execute(out, data);
    } catch (MustacheException | IOException | UncheckedIOException e) {
      throw new RenderException(
          "template " + label(name) + ": rendering failed: " + e.getMessage(), e);
    }
    return sink.finish();
  }

  private String label(String name) {
    return name + " (" + templates.describe(name) + ")";
  }

  private static JsonNode parse(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("built-in sample scrape settings: " + e.getMessage(), e);
    }
  }
}

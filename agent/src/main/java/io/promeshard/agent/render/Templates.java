package io.promeshard.agent.render;

import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheResolver;
import com.github.mustachejava.resolver.ClasspathResolver;
import com.github.mustachejava.resolver.FileSystemResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The Mustache templates the agent renders with: a configured directory, or the copies bundled in
 * the agent jar. Compiling a template that is missing or invalid throws a RenderException naming it
 * and where it was looked for. Compiled templates are cached per instance.
 */
public final class Templates {
  /** The file_sd template: one JSON file per job. */
  public static final String FILE_SD = "file_sd.json.mustache";

  /** The recording-rule template: one YAML file per rule group. */
  public static final String RULES = "rules.yml.mustache";

  /**
   * The scrape-config template: one YAML file per job with its own scrape settings. A templates
   * directory from before it existed may lack it; the bundled one is used then.
   */
  public static final String SCRAPE_CONFIG = "scrape_config.yml.mustache";

  static final String BUNDLED_ROOT = "templates";

  private final Path dir;
  private final Map<Escaping, EscapingMustacheFactory> factories = new EnumMap<>(Escaping.class);
  private Templates fallback;

  private Templates(Path dir) {
    this.dir = dir;
  }

  /**
   * The default templates shipped inside the agent jar (identical to the repository's {@code
   * templates/}).
   */
  public static Templates bundled() {
    return new Templates(null);
  }

  /**
   * Templates read from {@code dir} (the {@code templates} setting); nothing is read until first
   * use.
   */
  public static Templates directory(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("templates: directory is required");
    }
    return new Templates(dir.toAbsolutePath().normalize());
  }

  /**
   * Templates read from {@code dir} (the {@code templates_dir} setting), or the bundled ones when
   * it is null.
   */
  public static Templates directoryOrBundled(Path dir) {
    return dir == null ? bundled() : directory(dir);
  }

  /** Where templates come from, for messages: the directory, or "bundled". */
  public String describe() {
    return dir == null ? "bundled" : dir.toString();
  }

  /** Where template {@code name} comes from, for messages: the directory, or "bundled". */
  public String describe(String name) {
    return fallsBack(name) ? "bundled" : describe();
  }

  /** Compiles (once) the template {@code name}; escaping follows its extension. */
  public Mustache compile(String name) {
    Escaping escaping = Escaping.forTemplate(name);
    if (fallsBack(name)) {
      return bundledCopy().compile(name);
    }
    if (!exists(name)) {
      throw new RenderException("template " + name + ": not found in " + where());
    }
    try {
      return factory(escaping).compile(name);
    } catch (MustacheException e) {
      throw new RenderException("template " + name + " (" + describe() + "): " + e.getMessage(), e);
    }
  }

  /** Whether {@code name} is a newer template this directory lacks, taken from the jar. */
  private boolean fallsBack(String name) {
    return dir != null && name.equals(SCRAPE_CONFIG) && !exists(name);
  }

  private synchronized Templates bundledCopy() {
    if (fallback == null) {
      fallback = bundled();
    }
    return fallback;
  }

  private synchronized EscapingMustacheFactory factory(Escaping escaping) {
    return factories.computeIfAbsent(escaping, e -> new EscapingMustacheFactory(resolver(), e));
  }

  private MustacheResolver resolver() {
    return dir == null ? new ClasspathResolver(BUNDLED_ROOT) : new FileSystemResolver(dir);
  }

  private boolean exists(String name) {
    if (dir == null) {
      return Templates.class.getClassLoader().getResource(BUNDLED_ROOT + "/" + name) != null;
    }
    return Files.isRegularFile(dir.resolve(name));
  }

  private String where() {
    return dir == null
        ? "the agent jar (classpath " + BUNDLED_ROOT + "/)"
        : "templates directory " + dir;
  }
}

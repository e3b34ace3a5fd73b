package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
import io.promeshard.protocol.LabelNameScheme;
import io.promeshard.protocol.Names;
import io.promeshard.protocol.ProtocolException;
import io.promeshard.protocol.cli.ExitCodes;
import io.promeshard.protocol.consul.ConsulHttp;
import io.promeshard.protocol.consul.Fence;
import io.promeshard.protocol.consul.KvClient;
import io.promeshard.protocol.consul.KvEntry;
import io.promeshard.protocol.consul.TxnOp;
import io.promeshard.protocol.consul.TxnWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code config validate|put|get}: manages the {@code config/} keys from JSON files. A file named
 * {@code settings.json} is the settings; any other {@code <job>.json} is the job {@code <job>}; a
 * directory stands for the files in it and in its {@code jobs/} folder. Nothing is written unless
 * every file is valid. Job specs are checked as the coordinator checks them, scrape settings under
 * the {@code label_names} of the settings given (for {@code put} without settings, those stored in
 * Consul; for {@code validate} without settings, the default).
 */
@Command(
    name = "config",
    description = "Validate, upload or print the configuration kept in Consul.",
    mixinStandardHelpOptions = true,
    subcommands = {ConfigCommand.Validate.class, ConfigCommand.Put.class, ConfigCommand.Get.class})
public final class ConfigCommand {
  private static final String SETTINGS = "settings";

  /** One config file resolved to its KV key and checked. */
  @SuppressWarnings(
      "ArrayRecordComponent") // carries a file's bytes to the PUT; never compared or hashed
  record Doc(Path file, String key, byte[] json) {}

  /**
   * The files in {@code paths}, each checked; job specs' scrape settings are checked under the
   * {@code label_names} of a {@code settings.json} among them, else under {@code labelNames}.
   */
  static List<Doc> read(KvLayout layout, List<Path> paths, LabelNameScheme labelNames)
      throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        Path jobs = p.resolve("jobs");
        if (Files.isDirectory(jobs)) {
          try (Stream<Path> s = Files.list(jobs)) {
            s.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
          }
        }
      } else {
        files.add(p);
      }
    }
    if (files.isEmpty()) {
      throw new ProtocolException("no .json files in " + paths);
    }
    List<Doc> docs = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    LabelNameScheme scheme = labelNames;
    for (Path f : files) {
      if (name(f).equals(SETTINGS)) {
        byte[] bytes = Files.readAllBytes(f);
        try {
          scheme = Json.decode(f.toString(), bytes, Settings.class).labelNames();
          docs.add(new Doc(f, layout.settings(), bytes));
        } catch (ProtocolException e) {
          errors.add(message(f, e));
        }
      }
    }
    for (Path f : files) {
      String name = name(f);
      if (name.equals(SETTINGS)) {
        continue;
      }
      byte[] bytes = Files.readAllBytes(f);
      try {
        Names.job(name);
        JobSpec.parse(f.toString(), bytes, scheme);
        docs.add(new Doc(f, layout.job(name), bytes));
      } catch (ProtocolException e) {
        errors.add(message(f, e));
      }
    }
    if (!errors.isEmpty()) {
      throw new ProtocolException(String.join("\n", errors));
    }
    return docs;
  }

  private static String name(Path file) {
    return file.getFileName().toString().replaceFirst("\\.json$", "");
  }

  private static String message(Path file, ProtocolException e) {
    return e.getMessage().startsWith(file.toString())
        ? e.getMessage()
        : file + ": " + e.getMessage();
  }

  /** The label name scheme of the settings stored in Consul, or the default when there are none. */
  static LabelNameScheme storedLabelNames(KvClient kv, KvLayout layout) throws IOException {
    Optional<KvEntry> stored = kv.get(layout.settings());
    if (stored.isEmpty() || stored.get().value().length == 0) {
      return Settings.DEFAULTS.labelNames();
    }
    return Json.decode(layout.settings(), stored.get().value(), Settings.class).labelNames();
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Check the coordinator config file and any settings.json and <job>.json files (or directories of them),",
        "without contacting Consul."
      })
  static final class Validate implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "PATH")
    List<Path> paths = List.of();

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() throws IOException {
      var cfg = connection.load();
      cfg.consulSettings();
      System.out.println(connection.config + ": ok");
      if (paths.isEmpty()) {
        return ExitCodes.OK;
      }
      for (Doc d : read(cfg.layout(), paths, Settings.DEFAULTS.labelNames())) {
        System.out.println(d.file() + ": ok (" + d.key() + ")");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "put",
      mixinStandardHelpOptions = true,
      description = "Validate the files, then write them to Consul in one transaction.")
  static final class Put implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH")
    List<Path> paths;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() throws IOException {
      var cfg = connection.load();
      try (ConsulHttp http = ConsulHttp.create(cfg.consulSettings())) {
        List<Doc> docs =
            read(cfg.layout(), paths, storedLabelNames(new KvClient(http), cfg.layout()));
        new TxnWriter(http)
            .write(Fence.NONE, docs.stream().map(d -> TxnOp.set(d.key(), d.json())).toList());
        docs.forEach(d -> System.out.println("wrote " + d.key() + " from " + d.file()));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description =
          "Print the settings or a job as stored (\"settings\" or a job name), or every config key as one JSON object.")
  static final class Get implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME")
    String name;

    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() throws IOException {
      var cfg = connection.load();
      KvLayout layout = cfg.layout();
      try (ConsulHttp http = ConsulHttp.create(cfg.consulSettings())) {
        KvClient kv = new KvClient(http);
        if (name != null) {
          String key = name.equals("settings") ? layout.settings() : layout.job(name);
          KvEntry e = kv.get(key).orElseThrow(() -> new IOException(key + ": not found"));
          System.out.println(e.valueUtf8());
          return ExitCodes.OK;
        }
        Map<String, Object> all = new TreeMap<>();
        for (KvEntry e : kv.list(layout.configDir(), 0, Duration.ZERO).value()) {
          if (e.value().length > 0) {
            all.put(
                e.key().substring(layout.configDir().length()), Json.MAPPER.readTree(e.value()));
          }
        }
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        return ExitCodes.OK;
      }
    }
  }
}

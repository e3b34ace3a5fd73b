package io.promeshard.coordinator.cli;

import io.promeshard.coordinator.config.JobSpec;
import io.promeshard.coordinator.config.Settings;
import io.promeshard.protocol.Json;
import io.promeshard.protocol.KvLayout;
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
 * every file is valid.
 */
@Command(
    name = "config",
    description = "Validate, upload or print the configuration kept in Consul.",
    mixinStandardHelpOptions = true,
    subcommands = {ConfigCommand.Validate.class, ConfigCommand.Put.class, ConfigCommand.Get.class})
public final class ConfigCommand {

  /** One config file resolved to its KV key and checked. */
  @SuppressWarnings(
      "ArrayRecordComponent") // carries a file's bytes to the PUT; never compared or hashed
  record Doc(Path file, String key, byte[] json) {}

  static List<Doc> read(KvLayout layout, List<Path> paths) throws IOException {
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
    for (Path f : files) {
      String name = f.getFileName().toString().replaceFirst("\\.json$", "");
      byte[] bytes = Files.readAllBytes(f);
      try {
        if (name.equals("settings")) {
          Json.decode(f.toString(), bytes, Settings.class);
          docs.add(new Doc(f, layout.settings(), bytes));
        } else {
          Names.job(name);
          JobSpec.parse(f.toString(), bytes);
          docs.add(new Doc(f, layout.job(name), bytes));
        }
      } catch (ProtocolException e) {
        errors.add(
            e.getMessage().startsWith(f.toString()) ? e.getMessage() : f + ": " + e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new ProtocolException(String.join("\n", errors));
    }
    return docs;
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
      for (Doc d : read(cfg.layout(), paths)) {
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
      List<Doc> docs = read(cfg.layout(), paths);
      try (ConsulHttp http = ConsulHttp.create(cfg.consulSettings())) {
        new TxnWriter(http)
            .write(Fence.NONE, docs.stream().map(d -> TxnOp.set(d.key(), d.json())).toList());
      }
      docs.forEach(d -> System.out.println("wrote " + d.key() + " from " + d.file()));
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

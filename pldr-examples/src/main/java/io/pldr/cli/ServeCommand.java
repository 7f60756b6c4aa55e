package io.pldr.cli;

import io.pldr.api.cache.CacheMode;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.serve.BatchingEngine;
import io.pldr.cache.serve.CompletionEngine;
import io.pldr.serve.CompletionServer;
import io.pldr.serve.ServedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Serves a checkpoint over HTTP with OpenAI's completions API. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a checkpoint over HTTP with OpenAI's completions API.",
      "",
      "Endpoints: POST /v1/completions (streaming with server-sent events), GET /v1/models,"
          + " GET /health (503 until the model is loaded) and GET /metrics (Prometheus). A"
          + " request may name its cache mode (\"cache_mode\": \"kv_g\", \"kv\", \"g\" or"
          + " \"none\") and top_k. SIGTERM finishes running requests within the grace. See"
          + " docs/serving.md."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CheckpointOption checkpoint;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8000",
      description = "Port to listen on; 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--served-model-name",
      paramLabel = "NAME",
      description = "The model's id in requests (default: the checkpoint folder's name).")
  String servedModelName;

  @Option(
      names = "--g-cache",
      paramLabel = "FILE",
      description =
          "A G-cache file ('pldr gcache'): every request decodes with its fixed A_LM and G_LM,"
              + " in mode kv_g or g.")
  Path gCache;

  @Mixin ForeignGCacheOption foreignGCache;

  @Mixin WeightsOption weights;

  @Option(
      names = "--max-batch",
      paramLabel = "N",
      defaultValue = "16",
      description = "Sequences decoded together at most (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  @Option(
      names = "--max-queue",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "Sequences waiting at most; more are refused with 429 (default: ${DEFAULT-VALUE}).")
  int maxQueue;

  @Option(
      names = "--shutdown-grace",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "How long running requests may finish after SIGTERM before they are cancelled"
              + " (default: ${DEFAULT-VALUE}).")
  int shutdownGrace;

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--max-batch", maxBatch, 1);
    OptionChecks.atLeast("--max-queue", maxQueue, 1);
    OptionChecks.atLeast("--shutdown-grace", shutdownGrace, 0);
    OptionChecks.atLeast("--port", port, 0);
    PretrainedModel.Loader loader = checkpoint.loader().weights(weights.format());
    foreignGCache.apply(loader, gCache);
    CompletionServer server =
        new CompletionServer(
            new CompletionServer.Options(host, port, Duration.ofSeconds(shutdownGrace)));
    server.start();
    var out = spec.commandLine().getOut();
    out.printf("listening on http://%s:%d (loading %s)%n", host, server.port(), checkpoint);
    out.flush();
    PretrainedModel model;
    try {
      model = loader.load();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    CompletionEngine engine = new BatchingEngine(model, maxBatch, maxQueue);
    String id = servedModelName != null ? servedModelName : modelName(checkpoint.dir);
    server.ready(
        new ServedModel(
            id,
            model.tokenizer(),
            model.config().getMaxSeqLen(),
            gCache != null ? List.of(CacheMode.KV_G, CacheMode.G) : List.of(CacheMode.values())),
        engine);
    Thread hook =
        new Thread(
            () -> {
              try {
                server.close();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                model.close();
              }
            },
            "pldr-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.printf("serving '%s' on http://%s:%d/v1%n", id, host, server.port());
    out.flush();
    server.awaitStop();
    return 0;
  }

  /** The checkpoint folder's name; a run folder's name for its checkpoints/step-N folder. */
  static String modelName(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    Path name = abs.getFileName();
    Path parent = abs.getParent();
    if (name != null
        && name.toString().startsWith("step-")
        && parent != null
        && parent.getFileName() != null
        && parent.getFileName().toString().equals("checkpoints")
        && parent.getParent() != null
        && parent.getParent().getFileName() != null) {
      return parent.getParent().getFileName().toString();
    }
    return name == null ? "pldr" : name.toString();
  }
}

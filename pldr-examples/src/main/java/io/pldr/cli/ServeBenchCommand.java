package io.pldr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.api.cache.CacheMode;
import io.pldr.api.model.ModelSpec;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.serve.BatchingEngine;
import io.pldr.cache.serve.CompletionEngine;
import io.pldr.serve.CompletionServer;
import io.pldr.serve.NumberTokenizer;
import io.pldr.serve.ServedModel;
import io.pldr.tf.inject.PldrInjectors;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Starts {@code pldr serve}'s server in this process on a model with random weights and drives it
 * with concurrent streaming clients over HTTP.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the completions server under concurrent streaming clients.",
      "",
      "The server runs in this process on a loopback port with random weights of the given shape"
          + " (the small bench shape by default). Uncounted warm-up passes run every number of"
          + " clients C first, for --warmup seconds, so that the JIT has compiled the server and"
          + " the clients; then, for each C, every client sends its requests one after"
          + " another. Prints aggregate generated tokens/s, time to first"
          + " token and per-token latency (p50, p99) for each C, then each C's tokens/s over that"
          + " of one client."
    })
final class ServeBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelShapeOptions shape;

  @Mixin SequenceLengthOptions lengths;

  @Option(
      names = "--clients",
      paramLabel = "LIST",
      defaultValue = "1,4,16,64",
      split = ",",
      description = "Numbers of concurrent clients (default: ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(
      names = "--requests",
      paramLabel = "N",
      defaultValue = "2",
      description = "Requests per client (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--warmup",
      paramLabel = "SECONDS",
      defaultValue = "15",
      description =
          "Warm-up before the first measurement: passes that run every C with 2 uncounted"
              + " requests per client, until this many seconds have passed (default:"
              + " ${DEFAULT-VALUE}; 0: none).")
  int warmup;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "kv_g",
      description = "Cache mode of every request (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--max-batch",
      paramLabel = "N",
      defaultValue = "16",
      description = "Sequences the engine decodes together at most (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  /** Requests per client of each C in a warm-up pass. */
  private static final int WARMUP_REQUESTS = 2;

  private final ObjectMapper json = new ObjectMapper();

  /** One request's times: first token after the request was sent, and the gaps between tokens. */
  private record Timing(long firstTokenNanos, List<Long> gapsNanos, int tokens) {}

  /** One number of clients' figures. */
  private record Row(
      int clients,
      double tokensPerSecond,
      double ttftP50Ms,
      double ttftP99Ms,
      double tpotP50Ms,
      double tpotP99Ms,
      int errors) {}

  @Override
  public Integer call() throws Exception {
    lengths.check();
    clients.forEach(c -> OptionChecks.atLeast("--clients", c, 1));
    OptionChecks.distinct("--clients", clients);
    OptionChecks.atLeast("--requests", requests, 1);
    OptionChecks.atLeast("--warmup", warmup, 0);
    OptionChecks.atLeast("--max-batch", maxBatch, 1);
    CacheMode m = CacheMode.fromId(mode);
    ModelSpec model = PldrInjectors.spec(shape.config(lengths.prompt + lengths.newTokens));
    PrintWriter out = spec.commandLine().getOut();
    int maxClients = Collections.max(clients);
    out.printf(
        "model: %s; prompt %d tokens, %d new tokens, greedy, mode %s; %d requests per client,"
            + " batches of at most %d%n",
        shape.describe(), lengths.prompt, lengths.newTokens, m.id(), requests, maxBatch);
    out.flush();
    NumberTokenizer tokenizer = new NumberTokenizer(model.config().getVocabSize());
    try (CachedDecoder decoder = new CachedDecoder(model);
        CompletionServer server =
            new CompletionServer(
                    new CompletionServer.Options("127.0.0.1", 0, Duration.ofSeconds(10)))
                .start()) {
      decoder.load(decoder.initialValues(1));
      CompletionEngine engine =
          new BatchingEngine(decoder, tokenizer, Optional.empty(), maxBatch, maxClients * requests);
      server.ready(
          new ServedModel("bench", tokenizer, model.config().getMaxSeqLen(), List.of(m)), engine);
      HttpClient http = HttpClient.newBuilder().executor(Executors.newCachedThreadPool()).build();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/completions");
      warmUp(http, uri, m, out);
      out.printf(
          "%8s %10s %12s %12s %12s %12s %8s%n",
          "clients",
          "tokens/s",
          "ttft p50 ms",
          "ttft p99 ms",
          "tpot p50 ms",
          "tpot p99 ms",
          "errors");
      List<Row> rows = new ArrayList<>();
      for (int c : clients) {
        Row r = run(http, uri, c, requests, m);
        out.printf(
            "%8d %10.1f %12.1f %12.1f %12.2f %12.2f %8d%n",
            r.clients(),
            r.tokensPerSecond(),
            r.ttftP50Ms(),
            r.ttftP99Ms(),
            r.tpotP50Ms(),
            r.tpotP99Ms(),
            r.errors());
        out.flush();
        rows.add(r);
      }
      // the scaling the targets are stated in: aggregate tokens/s over one client's
      rows.stream()
          .filter(r -> r.clients() == 1)
          .findFirst()
          .ifPresent(
              one ->
                  rows.stream()
                      .filter(r -> r.clients() > 1)
                      .forEach(
                          r ->
                              out.printf(
                                  "C = %d over C = 1: %.1f×%n",
                                  r.clients(), r.tokensPerSecond() / one.tokensPerSecond())));
      engine.close();
    }
    out.flush();
    return 0;
  }

  /**
   * Uncounted passes over every C before the first measurement, for {@code --warmup} seconds (at
   * least one pass). A C measured while the JIT still compiles the server's and the clients' code
   * shares the cores with the compiler: in a profile of a short cold run on two cores the compiler
   * threads took a quarter to a third of both cores all along, and C = 1, measured first, ran at
   * half its later speed. Compilation fell off after about 12 s there.
   */
  private void warmUp(HttpClient http, URI uri, CacheMode m, PrintWriter out) throws Exception {
    if (warmup == 0) {
      return;
    }
    long start = System.nanoTime();
    long until = start + warmup * 1_000_000_000L;
    int passes = 0;
    do {
      for (int c : clients) {
        Row w = run(http, uri, c, WARMUP_REQUESTS, m);
        if (w.errors() > 0) {
          throw new IllegalStateException(
              w.errors() + " of " + c + " clients failed while warming up");
        }
      }
      passes++;
    } while (System.nanoTime() - until < 0);
    out.printf(
        "warm-up: %d pass%s in %.1f s%n",
        passes, passes == 1 ? "" : "es", (System.nanoTime() - start) / 1e9);
    out.flush();
  }

  private Row run(HttpClient http, URI uri, int c, int perClient, CacheMode m) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(c);
    List<Future<List<Timing>>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < c; i++) {
      int client = i;
      futures.add(
          pool.submit(
              () -> {
                List<Timing> t = new ArrayList<>();
                for (int r = 0; r < perClient; r++) {
                  t.add(request(http, uri, client * 1000 + r, m));
                }
                return t;
              }));
    }
    List<Timing> all = new ArrayList<>();
    int errors = 0;
    for (Future<List<Timing>> f : futures) {
      try {
        all.addAll(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        errors++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    long tokens = all.stream().mapToLong(Timing::tokens).sum();
    List<Long> ttft = all.stream().map(Timing::firstTokenNanos).sorted().toList();
    List<Long> gaps = all.stream().flatMap(t -> t.gapsNanos().stream()).sorted().toList();
    return new Row(
        c,
        tokens / seconds,
        percentile(ttft, 50) / 1e6,
        percentile(ttft, 99) / 1e6,
        percentile(gaps, 50) / 1e6,
        percentile(gaps, 99) / 1e6,
        errors);
  }

  private Timing request(HttpClient http, URI uri, long seed, CacheMode m) throws Exception {
    Random random = new Random(seed);
    String text =
        IntStream.range(0, lengths.prompt)
            .mapToObj(i -> Integer.toString(4 + random.nextInt(shape.vocab - 4)))
            .collect(Collectors.joining(" "));
    String body =
        json.writeValueAsString(
            json.createObjectNode()
                .put("model", "bench")
                .put("prompt", text)
                .put("max_tokens", lengths.newTokens)
                .put("temperature", 0)
                .put("stream", true)
                .put("cache_mode", m.id()));
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long sent = System.nanoTime();
    HttpResponse<java.util.stream.Stream<String>> response =
        http.send(req, HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode());
    }
    long[] last = {0};
    long[] first = {-1};
    List<Long> gaps = new ArrayList<>();
    int[] tokens = {0};
    response
        .body()
        .filter(l -> l.startsWith("data: ") && !l.equals("data: [DONE]"))
        .forEach(
            l -> {
              JsonNode chunk;
              try {
                chunk = json.readTree(l.substring(6));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              if (chunk.path("choices").path(0).path("text").asText("").isEmpty()) {
                return;
              }
              long now = System.nanoTime();
              if (first[0] < 0) {
                first[0] = now - sent;
              } else {
                gaps.add(now - last[0]);
              }
              last[0] = now;
              tokens[0]++;
            });
    return new Timing(Math.max(first[0], 0), gaps, tokens[0]);
  }

  private static double percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}

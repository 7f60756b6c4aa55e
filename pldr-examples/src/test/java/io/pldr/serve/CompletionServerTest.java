package io.pldr.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.api.cache.CacheMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP layer on an engine without a model: refusals with OpenAI's error object, overload,
 * health, metrics, a client leaving mid-stream, shutdown.
 */
class CompletionServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ServedModel MODEL =
      new ServedModel("tiny", new CharTokenizer(), 64, List.of(CacheMode.values()));

  private final HttpClient http = HttpClient.newHttpClient();
  private CompletionServer server;

  private ScriptedEngine serve(Duration interval, int capacity) {
    server =
        new CompletionServer(new CompletionServer.Options("127.0.0.1", 0, Duration.ofSeconds(1)))
            .start();
    ScriptedEngine engine = new ScriptedEngine(interval, capacity);
    server.ready(MODEL, engine);
    return engine;
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri("/v1/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static List<Object[]> badRequests() {
    String ok = "\"model\": \"tiny\", \"prompt\": \"hi\"";
    return List.of(
        new Object[] {"{\"model\": \"tiny\", \"prompt\": ", null, "invalid_json"},
        new Object[] {"{" + ok + ", \"max_tokens\": \"ten\"}", "max_tokens", null},
        new Object[] {"{" + ok + ", \"temperature\": true}", "temperature", null},
        new Object[] {"{\"model\": \"tiny\", \"prompt\": 7}", "prompt", null},
        new Object[] {"{" + ok + ", \"stream\": \"yes\"}", "stream", null},
        new Object[] {"{" + ok + ", \"max_tokens\": 0}", "max_tokens", null},
        new Object[] {"{" + ok + ", \"max_tokens\": -3}", "max_tokens", null},
        new Object[] {"{" + ok + ", \"max_tokens\": 63}", "max_tokens", null},
        new Object[] {"{" + ok + ", \"temperature\": -0.1}", "temperature", null},
        new Object[] {"{" + ok + ", \"top_p\": 0}", "top_p", null},
        new Object[] {"{" + ok + ", \"top_p\": 1.5}", "top_p", null},
        new Object[] {"{" + ok + ", \"logprobs\": 21}", "logprobs", null},
        new Object[] {"{" + ok + ", \"n\": 0}", "n", null},
        new Object[] {"{" + ok + ", \"cache_mode\": \"kvg\"}", "cache_mode", null},
        new Object[] {
          "{\"model\": \"tiny\", \"prompt\": \"" + "a".repeat(64) + "\"}", "prompt", null
        },
        new Object[] {"{\"model\": \"gpt-4\", \"prompt\": \"hi\"}", "model", "model_not_found"});
  }

  @ParameterizedTest
  @MethodSource("badRequests")
  void aBadRequestIs400WithAnOpenAiErrorNamingTheField(String body, String param, String code)
      throws Exception {
    ScriptedEngine engine = serve(Duration.ofMillis(1), 8);
    HttpResponse<String> r = post(body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.get("message").asText()).isNotBlank();
    if (param == null) {
      assertThat(error.get("param").isNull()).isTrue();
    } else {
      assertThat(error.get("param").asText()).isEqualTo(param);
      assertThat(error.get("message").asText()).contains(param);
    }
    if (code != null) {
      assertThat(error.get("code").asText()).isEqualTo(code);
    }
    assertThat(engine.submitted).isEmpty();
    // the server goes on serving
    assertThat(post("{\"model\": \"tiny\", \"prompt\": \"hi\", \"max_tokens\": 2}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void aFullQueueIs429WithRetryAfter() throws Exception {
    ScriptedEngine engine = serve(Duration.ofMillis(20), 1);
    Thread busy =
        new Thread(
            () -> {
              try {
                post("{\"model\": \"tiny\", \"prompt\": \"a\", \"max_tokens\": 40}");
              } catch (IOException | InterruptedException e) {
                // the test ends it
              }
            });
    busy.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (engine.running() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    HttpResponse<String> r = post("{\"model\": \"tiny\", \"prompt\": \"b\", \"max_tokens\": 1}");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("queue_full");
    busy.join();
    assertThat(get("/metrics").body()).contains("pldr_requests_total{outcome=\"rejected\"} 1");
  }

  @Test
  void healthIs503UntilTheModelIsLoadedThen200() throws Exception {
    server =
        new CompletionServer(new CompletionServer.Options("127.0.0.1", 0, Duration.ofSeconds(1)))
            .start();
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(post("{\"model\": \"tiny\", \"prompt\": \"hi\"}").statusCode()).isEqualTo(503);
    server.ready(MODEL, new ScriptedEngine(Duration.ofMillis(1), 4));
    assertThat(get("/health").statusCode()).isEqualTo(200);
    JsonNode models = JSON.readTree(get("/v1/models").body());
    assertThat(models.at("/data/0/id").asText()).isEqualTo("tiny");
  }

  @Test
  void aCompletionCountsTokensAndMetricsShowIt() throws Exception {
    serve(Duration.ofMillis(1), 4);
    HttpResponse<String> r =
        post("{\"model\": \"tiny\", \"prompt\": [\"ab\", \"c\"], \"max_tokens\": 3, \"n\": 2}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("object").asText()).isEqualTo("text_completion");
    assertThat(body.get("choices")).hasSize(4);
    assertThat(body.at("/choices/3/index").asInt()).isEqualTo(3);
    assertThat(body.at("/choices/0/text").asText()).isEqualTo("xxx");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
    assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(12);
    assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(15);
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("pldr_requests_total{outcome=\"success\"} 1")
        .contains("pldr_generation_tokens_total 12")
        .contains("pldr_prompt_tokens_total 6")
        .contains("pldr_queue_depth 0")
        .contains("pldr_running_batch_size")
        .contains("pldr_time_to_first_token_seconds_bucket")
        .contains("pldr_time_per_output_token_seconds_count 8");
  }

  @Test
  void aClientThatLeavesMidStreamCancelsItsGeneration() throws Exception {
    ScriptedEngine engine = serve(Duration.ofMillis(20), 4);
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri("/v1/completions"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\": \"tiny\", \"prompt\": \"a\", \"max_tokens\": 60,"
                            + " \"stream\": true}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String line;
      int chunks = 0;
      while (chunks < 3 && (line = in.readLine()) != null) {
        if (line.startsWith("data: {")) {
          chunks++;
        }
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (engine.cancelled.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(engine.cancelled.get()).isEqualTo(1);
  }

  @Test
  void aClientThatLeavesBeforeAWholeAnswerCancelsItsGeneration() throws Exception {
    // 50 tokens, one per 200 ms: the answer would take 10 s
    ScriptedEngine engine = serve(Duration.ofMillis(200), 4);
    String body = "{\"model\": \"tiny\", \"prompt\": \"a\", \"max_tokens\": 50}";
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket
          .getOutputStream()
          .write(
              ("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Content-Type: application/json\r\nContent-Length: "
                      + body.length()
                      + "\r\n\r\n"
                      + body)
                  .getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      long started = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (engine.submittedCount() == 0 && System.nanoTime() < started) {
        Thread.sleep(10);
      }
      assertThat(engine.submittedCount()).isEqualTo(1);
    }
    long closed = System.nanoTime();
    while (engine.cancelled.get() == 0 && System.nanoTime() - closed < 3_000_000_000L) {
      Thread.sleep(10);
    }
    assertThat(engine.cancelled.get())
        .as("the generation is cancelled when the client leaves, not when the answer is written")
        .isEqualTo(1);
    System.out.printf(
        "non-streaming client gone: cancelled after %.0f ms%n", (System.nanoTime() - closed) / 1e6);
  }

  @Test
  void aStreamSendsOneChunkPerTokenThenDone() throws Exception {
    serve(Duration.ofMillis(1), 4);
    HttpResponse<String> r =
        post("{\"model\": \"tiny\", \"prompt\": \"a\", \"max_tokens\": 4, \"stream\": true}");
    List<String> data =
        r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    assertThat(data).hasSize(6).last().isEqualTo("[DONE]");
    assertThat(JSON.readTree(data.get(0)).at("/choices/0/text").asText()).isEqualTo("x");
    assertThat(JSON.readTree(data.get(4)).at("/choices/0/finish_reason").asText())
        .isEqualTo("length");
  }

  @Test
  void closeCancelsWhatRunsPastTheGraceAndAnswersEveryRequest() throws Exception {
    ScriptedEngine engine = serve(Duration.ofMillis(50), 4);
    var pending =
        http.sendAsync(
            HttpRequest.newBuilder(uri("/v1/completions"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\": \"tiny\", \"prompt\": \"a\", \"max_tokens\": 60}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    while (engine.running() == 0) {
      Thread.sleep(10);
    }
    long start = System.nanoTime();
    server.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    HttpResponse<String> r = pending.get();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).at("/choices/0/finish_reason").asText()).isEqualTo("abort");
    server = null;
  }
}

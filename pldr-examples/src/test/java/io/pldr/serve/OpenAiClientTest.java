package io.pldr.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import io.pldr.api.cache.CacheMode;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.generate.Generation;
import io.pldr.cache.generate.SamplingConfig;
import io.pldr.cache.serve.BatchingEngine;
import io.pldr.cache.serve.CompletionListener;
import io.pldr.cache.serve.CompletionRequest;
import io.pldr.cache.serve.GeneratedToken;
import io.pldr.cache.serve.QueueFullException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on a tiny random model, called through the official OpenAI Java library: the text of a
 * greedy completion, streamed or not, is what the model's own generator writes.
 */
class OpenAiClientTest {
  private static final String PROMPT = "Call me";

  @TempDir static Path dir;
  private static PretrainedModel model;
  private static BatchingEngine engine;
  private static CompletionServer server;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    Path run =
        io.pldr.cache.TinyCheckpoint.write(
            dir.resolve("tiny-run"), io.pldr.cache.TinyCheckpoint.config("learned"), 7);
    model = PretrainedModel.load(run);
    engine = new BatchingEngine(model, 8, 16);
    server =
        new CompletionServer(new CompletionServer.Options("127.0.0.1", 0, Duration.ofSeconds(5)))
            .start();
    server.ready(
        new ServedModel("tiny-run", model.tokenizer(), 64, List.of(CacheMode.values())), engine);
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
            .apiKey("any")
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (model != null) {
      model.close();
    }
  }

  private static String greedy(String prompt, int tokens, CacheMode mode) {
    return model
        .generator()
        .generate(prompt, SamplingConfig.greedy(tokens), mode, piece -> {})
        .text();
  }

  private static CompletionCreateParams.Builder params(int maxTokens) {
    return CompletionCreateParams.builder()
        .model("tiny-run")
        .prompt(PROMPT)
        .maxTokens(maxTokens)
        .temperature(0.0);
  }

  @Test
  void aGreedyCompletionIsWhatTheGeneratorWrites() {
    Completion c = client.completions().create(params(12).build());
    assertThat(c.choices()).hasSize(1);
    String expected = greedy(PROMPT, 12, CacheMode.KV_G);
    assertThat(expected).isNotEmpty();
    assertThat(c.choices().get(0).text()).isEqualTo(expected);
    assertThat(c.usage()).isPresent();
    assertThat(c.usage().get().promptTokens())
        .isEqualTo(
            (long) io.pldr.cache.generate.Generator.promptIds(model.tokenizer(), PROMPT).length);
  }

  @Test
  void aStreamedGreedyCompletionConcatenatesToWhatTheGeneratorWrites() {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<Completion> stream =
        client.completions().createStreaming(params(12).build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> text.append(ch.text())));
    }
    assertThat(text.toString()).isEqualTo(greedy(PROMPT, 12, CacheMode.KV_G));
  }

  @Test
  void aRequestNamesItsCacheModeAndTopK() {
    Completion c =
        client
            .completions()
            .create(
                params(10)
                    .putAdditionalBodyProperty("cache_mode", JsonValue.from("g"))
                    .putAdditionalBodyProperty("top_k", JsonValue.from(5))
                    .build());
    assertThat(c.choices().get(0).text()).isEqualTo(greedy(PROMPT, 10, CacheMode.G));
  }

  @Test
  void logprobsComeInOpenAisLegacyFormat() {
    Completion c = client.completions().create(params(5).logprobs(3L).build());
    var logprobs = c.choices().get(0).logprobs().orElseThrow();
    int tokens = logprobs.tokens().orElseThrow().size();
    assertThat(tokens).isEqualTo((int) c.usage().orElseThrow().completionTokens());
    assertThat(logprobs.tokenLogprobs().orElseThrow())
        .allSatisfy(lp -> assertThat(lp).isNegative());
    assertThat(logprobs.topLogprobs().orElseThrow())
        .allSatisfy(top -> assertThat(top._additionalProperties()).hasSizeBetween(1, 3));
    assertThat(logprobs.textOffset().orElseThrow()).hasSize(tokens).startsWith(0L);
  }

  @Test
  void theEngineRefusesPastItsQueueAndCancelsAWaitingRequest() throws Exception {
    try (BatchingEngine small = new BatchingEngine(model, 1, 1)) {
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<io.pldr.cache.serve.Completion> first = new CompletableFuture<>();
      small.submit(request(), listener(first, release));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (small.running() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      CompletableFuture<io.pldr.cache.serve.Completion> second = new CompletableFuture<>();
      var waiting = small.submit(request(), listener(second, new CountDownLatch(0)));
      assertThat(small.queued()).isEqualTo(1);
      assertThatThrownBy(() -> small.submit(request(), listener(new CompletableFuture<>(), null)))
          .isInstanceOf(QueueFullException.class);
      waiting.cancel(); // told at the engine's next step boundary, once the first token is out
      release.countDown();
      assertThat(second.get(5, TimeUnit.SECONDS).reason())
          .isEqualTo(Generation.StopReason.CANCELLED);
      small.shutdown(Duration.ofSeconds(5));
      assertThat(first.get(5, TimeUnit.SECONDS).reason())
          .isNotEqualTo(Generation.StopReason.CANCELLED);
    }
  }

  private static CompletionRequest request() {
    return new CompletionRequest(
        io.pldr.cache.generate.Generator.promptIds(model.tokenizer(), PROMPT),
        SamplingConfig.greedy(20),
        CacheMode.KV_G);
  }

  /** Completes {@code done}; its first token waits for {@code release} (holding the engine). */
  private static CompletionListener listener(
      CompletableFuture<io.pldr.cache.serve.Completion> done, CountDownLatch release) {
    return new CompletionListener() {
      @Override
      public void onToken(GeneratedToken token) {
        try {
          if (release != null) {
            release.await(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void onComplete(io.pldr.cache.serve.Completion completion) {
        done.complete(completion);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    };
  }
}

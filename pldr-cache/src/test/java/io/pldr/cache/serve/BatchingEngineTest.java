package io.pldr.cache.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.TinyCheckpoint;
import io.pldr.cache.generate.Generation;
import io.pldr.cache.generate.Generator;
import io.pldr.cache.generate.SamplingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Continuous batching on the tiny learned model (context 64) with the test tokenizer. */
class BatchingEngineTest {
  @TempDir static Path dir;
  private static PretrainedModel model;
  private static GCache fixedG;

  private static final List<String> PROMPTS =
      List.of(
          "Call me Ishmael.",
          "a",
          "The whale sank beneath the sea",
          "sea",
          "Some years ago — never mind how long",
          "Queequeg");
  private static final List<Integer> MAX = List.of(12, 20, 7, 30, 16, 9);

  @BeforeAll
  static void load() throws Exception {
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("learned"), 7);
    model = PretrainedModel.load(run);
    fixedG = model.inferGCache("It was the best of times");
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** Collects one request's tokens and its end; counts how often it was told the end. */
  static final class Collector implements CompletionListener {
    final List<GeneratedToken> tokens = new ArrayList<>();
    final StringBuilder deltas = new StringBuilder();
    final CompletableFuture<Completion> done = new CompletableFuture<>();
    final AtomicInteger ends = new AtomicInteger();
    Consumer<Integer> onEachToken = n -> {};

    @Override
    public void onToken(GeneratedToken token) {
      tokens.add(token);
      deltas.append(token.textDelta());
      onEachToken.accept(tokens.size());
    }

    @Override
    public void onComplete(Completion completion) {
      ends.incrementAndGet();
      done.complete(completion);
    }

    @Override
    public void onError(Throwable error) {
      ends.incrementAndGet();
      done.completeExceptionally(error);
    }

    Completion get() throws Exception {
      return done.get(120, TimeUnit.SECONDS);
    }

    List<Integer> ids() {
      return tokens.stream().map(t -> t.chosen().id()).toList();
    }
  }

  private static CompletionRequest request(int i, CacheMode mode) {
    return request(i, mode, OptionalInt.empty());
  }

  private static CompletionRequest request(int i, CacheMode mode, OptionalInt logprobs) {
    return new CompletionRequest(
        Generator.promptIds(model.tokenizer(), PROMPTS.get(i)),
        SamplingConfig.greedy(MAX.get(i)),
        mode,
        logprobs);
  }

  private static BatchingEngine engine(Optional<GCache> g, int maxBatch, int maxQueue) {
    return new BatchingEngine(model.decoder(), model.tokenizer(), g, maxBatch, maxQueue);
  }

  /** Each prompt run alone through an engine, one after the other; checked against Generator. */
  private static List<Collector> solo(Optional<GCache> g, CacheMode mode) throws Exception {
    Generator generator = new Generator(model.decoder(), model.tokenizer(), g);
    List<Collector> out = new ArrayList<>();
    try (BatchingEngine e = engine(g, 1, 16)) {
      for (int i = 0; i < PROMPTS.size(); i++) {
        Collector c = new Collector();
        e.submit(request(i, mode), c);
        Completion done = c.get();
        Generation alone =
            generator.generate(PROMPTS.get(i), SamplingConfig.greedy(MAX.get(i)), mode, s -> {});
        assertThat(done.text()).as("engine alone vs Generator, %d", i).isEqualTo(alone.text());
        assertThat(done.reason()).isEqualTo(alone.stopReason());
        int eos = done.reason() == Generation.StopReason.END_OF_TEXT ? 1 : 0;
        assertThat(done.tokens()).hasSize(alone.newTokens() + eos);
        assertThat(c.deltas.toString()).isEqualTo(done.text());
        out.add(c);
      }
    }
    return out;
  }

  private static void assertSame(List<Collector> got, List<Collector> solo, String what)
      throws Exception {
    for (int i = 0; i < solo.size(); i++) {
      Completion a = got.get(i).get();
      Completion b = solo.get(i).get();
      assertThat(got.get(i).ids()).as("%s ids %d", what, i).isEqualTo(solo.get(i).ids());
      assertThat(a.text()).as("%s text %d", what, i).isEqualTo(b.text());
      assertThat(a.reason()).as("%s reason %d", what, i).isEqualTo(b.reason());
      assertThat(got.get(i).deltas.toString()).isEqualTo(a.text());
      assertThat(got.get(i).ends.get()).isEqualTo(1);
    }
  }

  @Test
  void greedyOutputTogetherAndStaggeredEqualsAlone() throws Exception {
    record Case(Optional<GCache> g, CacheMode mode) {}
    for (Case k :
        List.of(
            new Case(Optional.empty(), CacheMode.KV_G),
            new Case(Optional.empty(), CacheMode.KV),
            new Case(Optional.of(fixedG), CacheMode.KV_G))) {
      String what = (k.g().isPresent() ? "g-cache " : "learned ") + k.mode();
      List<Collector> solo = solo(k.g(), k.mode());
      assertThat(solo.stream().map(c -> c.ids().size()).distinct().count())
          .as("different lengths")
          .isGreaterThan(2);

      // all at once
      List<Collector> together = new ArrayList<>();
      try (BatchingEngine e = engine(k.g(), 8, 16)) {
        for (int i = 0; i < PROMPTS.size(); i++) {
          Collector c = new Collector();
          together.add(c);
          e.submit(request(i, k.mode()), c);
        }
        assertSame(together, solo, what + " together");
      }

      // staggered: the others join while 0 and 3 are mid-decode, 5 joins later still
      List<Collector> staggered = new ArrayList<>();
      for (int i = 0; i < PROMPTS.size(); i++) {
        staggered.add(new Collector());
      }
      AtomicInteger peak = new AtomicInteger();
      try (BatchingEngine e = engine(k.g(), 8, 16)) {
        staggered.get(3).onEachToken =
            n -> {
              peak.accumulateAndGet(e.running(), Math::max);
              if (n == 4) {
                for (int i : new int[] {1, 2, 4}) {
                  e.submit(request(i, k.mode()), staggered.get(i));
                }
              }
              if (n == 9) {
                e.submit(request(5, k.mode()), staggered.get(5));
              }
            };
        e.submit(request(0, k.mode()), staggered.get(0));
        e.submit(request(3, k.mode()), staggered.get(3));
        assertSame(staggered, solo, what + " staggered");
      }
      assertThat(peak.get()).as("rows decoding at once").isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void modesOtherThanKvRunOneAtATimeAndStillGiveWhatTheyGiveAlone() throws Exception {
    List<Collector> soloG = solo(Optional.empty(), CacheMode.G);
    List<Collector> soloKvG = solo(Optional.empty(), CacheMode.KV_G);
    List<Collector> g = new ArrayList<>();
    List<Collector> kvg = new ArrayList<>();
    try (BatchingEngine e = engine(Optional.empty(), 8, 32)) {
      for (int i = 0; i < PROMPTS.size(); i++) {
        g.add(new Collector());
        kvg.add(new Collector());
        e.submit(request(i, CacheMode.G), g.get(i));
        e.submit(request(i, CacheMode.KV_G), kvg.get(i));
      }
      assertSame(g, soloG, "g mixed");
      assertSame(kvg, soloKvG, "kv_g mixed");
    }
  }

  @Test
  void cancellingMidDecodeLeavesTheOthersUnchanged() throws Exception {
    List<Collector> solo = solo(Optional.empty(), CacheMode.KV_G);
    List<Collector> got = new ArrayList<>();
    List<CompletionEngine.Handle> handles = new ArrayList<>();
    try (BatchingEngine e = engine(Optional.empty(), 8, 16)) {
      for (int i = 0; i < PROMPTS.size(); i++) {
        got.add(new Collector());
      }
      got.get(3).onEachToken =
          n -> {
            if (n == 5) {
              handles.get(3).cancel();
            }
          };
      got.get(1).onEachToken =
          n -> {
            if (n == 2) {
              throw new IllegalStateException("a client that fails");
            }
          };
      for (int i = 0; i < PROMPTS.size(); i++) {
        handles.add(e.submit(request(i, CacheMode.KV_G), got.get(i)));
      }
      Completion cancelled = got.get(3).get();
      assertThat(cancelled.reason()).isEqualTo(Generation.StopReason.CANCELLED);
      assertThat(got.get(3).ids()).isEqualTo(solo.get(3).ids().subList(0, 5));
      assertThat(cancelled.text()).isEqualTo(got.get(3).deltas.toString());
      assertThat(got.get(1).get().reason())
          .as("a listener that throws cancels its own request")
          .isEqualTo(Generation.StopReason.CANCELLED);
      assertThat(got.get(1).ids()).hasSize(2);
      List<Integer> others = List.of(0, 2, 4, 5);
      assertSame(
          others.stream().map(got::get).toList(),
          others.stream().map(solo::get).toList(),
          "others");
      assertThat(got.get(3).ends.get()).isEqualTo(1);
    }
  }

  @Test
  void aPromptThatFillsTheContextEndsAtOnceAndALongerOneIsRefused() throws Exception {
    int context = model.config().getMaxSeqLen();
    long[] full = new long[context];
    Arrays.fill(full, 40);
    try (BatchingEngine e = engine(Optional.empty(), 4, 4)) {
      Collector c = new Collector();
      e.submit(new CompletionRequest(full, SamplingConfig.greedy(5), CacheMode.KV_G), c);
      Collector next = new Collector();
      e.submit(request(0, CacheMode.KV_G), next);
      assertThat(c.get().reason()).isEqualTo(Generation.StopReason.CONTEXT_LIMIT);
      assertThat(c.get().tokens()).isEmpty();
      assertThat(next.get().reason()).isEqualTo(Generation.StopReason.MAX_TOKENS);
      assertThat(e.promptPasses()).isEqualTo(1);
      long[] longer = Arrays.copyOf(full, context + 1);
      assertThatThrownBy(
              () ->
                  e.submit(
                      new CompletionRequest(longer, SamplingConfig.greedy(5), CacheMode.KV_G),
                      new Collector()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("longer than the model's context of " + context);
    }
  }

  @Test
  void aCancelledWaitingRequestNeverReachesTheDecoder() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try (BatchingEngine e = engine(Optional.empty(), 1, 16)) {
      Collector first = new Collector();
      first.onEachToken =
          n -> {
            started.countDown();
            await(release);
          };
      e.submit(request(0, CacheMode.KV_G), first);
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
      Collector waiting = new Collector();
      CompletionEngine.Handle h = e.submit(request(1, CacheMode.KV_G), waiting);
      assertThat(e.queued()).isEqualTo(1);
      assertThat(e.running()).isEqualTo(1);
      h.cancel();
      h.cancel(); // idempotent
      release.countDown();
      Completion c = waiting.get();
      assertThat(c.reason()).isEqualTo(Generation.StopReason.CANCELLED);
      assertThat(c.tokens()).isEmpty();
      assertThat(waiting.tokens).isEmpty();
      assertThat(first.get().reason()).isEqualTo(Generation.StopReason.MAX_TOKENS);
      assertThat(e.promptPasses()).as("only the first request's prompt ran").isEqualTo(1);
      assertThat(waiting.ends.get()).isEqualTo(1);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aFullQueueRefusesAndShutdownTellsEveryListenerOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    BatchingEngine e = engine(Optional.empty(), 1, 2);
    List<Collector> all = new ArrayList<>();
    Collector first = new Collector();
    all.add(first);
    first.onEachToken =
        n -> {
          started.countDown();
          await(release);
        };
    e.submit(request(3, CacheMode.KV_G), first); // 30 tokens
    assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 2; i++) {
      Collector c = new Collector();
      all.add(c);
      e.submit(request(i, CacheMode.KV_G), c);
    }
    assertThatThrownBy(() -> e.submit(request(2, CacheMode.KV_G), new Collector()))
        .isInstanceOf(QueueFullException.class)
        .hasMessageContaining("2 requests waiting");
    release.countDown();
    e.shutdown(Duration.ofMillis(30));
    assertThatThrownBy(() -> e.submit(request(2, CacheMode.KV_G), new Collector()))
        .isInstanceOf(IllegalStateException.class);
    for (Collector c : all) {
      assertThat(c.done).isDone();
      assertThat(c.ends.get()).isEqualTo(1);
      assertThat(c.deltas.toString()).isEqualTo(c.get().text());
    }
    assertThat(e.running()).isZero();
    assertThat(e.queued()).isZero();
    e.close(); // again: nothing left to tell
    for (Collector c : all) {
      assertThat(c.ends.get()).isEqualTo(1);
    }

    // a long enough grace lets everything finish
    List<Collector> solo = solo(Optional.empty(), CacheMode.KV_G);
    BatchingEngine patient = engine(Optional.empty(), 4, 16);
    List<Collector> got = new ArrayList<>();
    for (int i = 0; i < PROMPTS.size(); i++) {
      got.add(new Collector());
      patient.submit(request(i, CacheMode.KV_G), got.get(i));
    }
    patient.shutdown(Duration.ofMinutes(2));
    assertSame(got, solo, "after shutdown with grace");
  }

  @Test
  void textDeltasHoldBackStopStringPrefixesAndIncompleteCharacters() throws Exception {
    List<Collector> solo = solo(Optional.empty(), CacheMode.KV_G);
    Generator generator = new Generator(model.decoder(), model.tokenizer());
    int replacementHeld = 0;
    for (int i = 0; i < PROMPTS.size(); i++) {
      String text = solo.get(i).get().text();
      System.out.printf("%d: %s%n", i, text.replace("\n", "\\n"));
      if (text.length() < 8) {
        continue;
      }
      String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
      SamplingConfig sampling =
          new SamplingConfig(0, 0, 1.0, 0, MAX.get(i), List.of("\u0000", stop));
      Generation alone = generator.generate(PROMPTS.get(i), sampling, CacheMode.KV_G, x -> {});
      List<Collector> got = new ArrayList<>();
      try (BatchingEngine e = engine(Optional.empty(), 8, 16)) {
        for (int j = 0; j < PROMPTS.size(); j++) {
          got.add(new Collector());
          e.submit(
              j == i
                  ? new CompletionRequest(
                      Generator.promptIds(model.tokenizer(), PROMPTS.get(i)),
                      sampling,
                      CacheMode.KV_G)
                  : request(j, CacheMode.KV_G),
              got.get(j));
        }
        Completion c = got.get(i).get();
        assertThat(c.reason()).isEqualTo(Generation.StopReason.STOP_STRING);
        assertThat(c.text()).isEqualTo(alone.text()).doesNotContain(stop);
        assertThat(got.get(i).deltas.toString()).isEqualTo(c.text());
        for (int j = 0; j < PROMPTS.size(); j++) {
          got.get(j).get(); // the others may still be decoding: read their tokens once they end
          List<GeneratedToken> tokens = got.get(j).tokens;
          StringBuilder sent = new StringBuilder();
          for (int t = 0; t < tokens.size() - 1; t++) {
            String delta = tokens.get(t).textDelta();
            assertThat(delta).as("an incomplete character is held back").doesNotEndWith("\uFFFD");
            sent.append(delta);
            if (j == i) {
              assertThat(sent.toString())
                  .as("a stop string's start is held back")
                  .isEqualTo(c.text().substring(0, sent.length()));
            }
          }
          replacementHeld += (int) tokens.stream().filter(t -> t.textDelta().isEmpty()).count();
        }
      }
    }
    System.out.printf("tokens whose text was held back: %d%n", replacementHeld);
    assertThat(replacementHeld).isPositive();
  }

  /**
   * In mode {@code none} every step is a full forward pass; in {@code kv_g} (batched) a step is a
   * full pass with the prompt's A_LM and G_LM ({@code g}, the cached-decoding contract): each
   * chosen token's logprob and the top-k are compared with such passes computed independently.
   */
  @Test
  void logprobsAreThoseOfAFullForwardPass() throws Exception {
    int k = 5;
    OptionalInt none = OptionalInt.empty();
    for (CacheMode mode : List.of(CacheMode.NONE, CacheMode.KV_G)) {
      List<Collector> got = new ArrayList<>();
      try (BatchingEngine e = engine(Optional.empty(), 8, 16)) {
        for (int i = 0; i < 3; i++) {
          got.add(new Collector());
          e.submit(
              request(i, mode, i == 0 ? OptionalInt.of(k) : i == 1 ? OptionalInt.of(0) : none),
              got.get(i));
        }
        for (Collector c : got) {
          c.get();
        }
      }
      long[] prompt = Generator.promptIds(model.tokenizer(), PROMPTS.get(0));
      List<GeneratedToken> tokens = got.get(0).tokens;
      assertThat(tokens).hasSizeGreaterThan(3);
      assertThat(got.get(1).tokens.get(0).top()).isEmpty();
      assertThat(got.get(1).tokens.get(0).chosen().logprob()).isFinite().isNegative();
      assertThat(got.get(2).tokens)
          .as("no logprobs asked, none computed")
          .allSatisfy(t -> assertThat(t.chosen().logprob()).isNaN());
      double worst = 0;
      io.pldr.cache.DecodeState promptState =
          model.decoder().prefill(new long[][] {prompt}).state();
      try {
        for (int j = 0; j < tokens.size(); j++) {
          long[] row = Arrays.copyOf(prompt, prompt.length + j);
          for (int t = 0; t < j; t++) {
            row[prompt.length + t] = tokens.get(t).chosen().id();
          }
          long[][] rows = {row};
          double[] all =
              (mode == CacheMode.NONE
                      ? model.decoder().logits(rows)
                      : model.decoder().logits(promptState, rows, CacheMode.G))
                  .toDoubleArray();
          int v = model.config().getVocabSize();
          double[] z = Arrays.copyOfRange(all, (row.length - 1) * v, row.length * v);
          double max = Arrays.stream(z).max().orElseThrow();
          double log = max + Math.log(Arrays.stream(z).map(x -> Math.exp(x - max)).sum());
          GeneratedToken g = tokens.get(j);
          worst = Math.max(worst, Math.abs(g.chosen().logprob() - (z[g.chosen().id()] - log)));
          assertThat(g.top()).hasSize(k);
          assertThat(g.top().get(0).id())
              .as("greedy: the chosen is the most likely")
              .isEqualTo(g.chosen().id());
          Integer[] order = new Integer[v];
          for (int i = 0; i < v; i++) {
            order[i] = i;
          }
          Arrays.sort(order, (a, b) -> Double.compare(z[b], z[a]));
          for (int r = 0; r < k; r++) {
            TokenLogprob top = g.top().get(r);
            assertThat(top.id()).as("%s rank %d at step %d", mode, r, j).isEqualTo(order[r]);
            assertThat(top.logprob())
                .isCloseTo(z[order[r]] - log, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(top.text()).isEqualTo(model.tokenizer().decode(new int[] {top.id()}));
            if (r > 0) {
              assertThat(top.logprob()).isLessThanOrEqualTo(g.top().get(r - 1).logprob());
            }
          }
        }
      } finally {
        promptState.close();
      }
      System.out.printf(
          "%s: logprob of the chosen token against a full pass: max|Δ| %.2e%n", mode, worst);
      assertThat(worst).isLessThan(1e-4);
    }
  }
}

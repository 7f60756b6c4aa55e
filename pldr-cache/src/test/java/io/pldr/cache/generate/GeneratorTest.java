package io.pldr.cache.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.model.ModelSpec;
import io.pldr.cache.CachedDecoder;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.testing.ReferenceFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation on the fixture's model (context 48) with a character tokenizer. */
class GeneratorTest {
  @TempDir static Path dir;
  private static CachedDecoder decoder;
  private static Generator generator;

  @BeforeAll
  static void load() throws Exception {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    ReferenceCheckpoint ckpt =
        ReferenceCheckpoint.read(f.checkpointDir(), io.pldr.api.config.Precision.FLOAT32);
    decoder =
        new CachedDecoder(
            new ModelSpec(
                ckpt.config(), new LearnedPlgaProvider(), new PowerLawGraphAttentionProvider()));
    decoder.load(ckpt.tensors());
    generator = new Generator(decoder, new CharTokenizer());
  }

  @AfterAll
  static void close() {
    decoder.close();
  }

  @Test
  void kvAndKvGGiveTheSameGreedyText() {
    // On this model A_LM and G_LM recomputed from the cached metric equal the cached ones.
    Generation a =
        generator.generate("Call me", SamplingConfig.greedy(12), CacheMode.KV_G, s -> {});
    Generation b = generator.generate("Call me", SamplingConfig.greedy(12), CacheMode.KV, s -> {});
    assertThat(a.text()).isEqualTo(b.text());
    assertThat(a.newTokens()).isBetween(1, 12);
  }

  @Test
  void streamedPiecesAddUpToTheText() {
    StringBuilder streamed = new StringBuilder();
    Generation g =
        generator.generate(
            "The whale",
            new SamplingConfig(0.9, 20, 0.95, 5, 15, List.of()),
            CacheMode.KV_G,
            streamed::append);
    assertThat(streamed.toString()).isEqualTo(g.text());
  }

  @Test
  void reachingTheContextStopsCleanlyAndSaysSo() {
    String prompt = "x".repeat(40); // 40 tokens (no <s>), context 48
    Generation g =
        generator.generate(
            prompt, new SamplingConfig(1.0, 0, 1.0, 1, 100, List.of()), CacheMode.KV_G, s -> {});
    assertThat(g.stopReason()).isEqualTo(Generation.StopReason.CONTEXT_LIMIT);
    assertThat(g.newTokens()).isEqualTo(48 - 40);
  }

  @Test
  void aPromptThatFillsTheContextGetsNoNewTokenAndSaysSo() {
    Generation g =
        generator.generate("x".repeat(48), SamplingConfig.greedy(5), CacheMode.KV_G, s -> {});
    assertThat(g.stopReason()).isEqualTo(Generation.StopReason.CONTEXT_LIMIT);
    assertThat(g.newTokens()).isZero();
    assertThat(g.text()).isEmpty();
  }

  /** Greedy decoding by full passes over {@code ids}, until end of text or {@code max} tokens. */
  private static String greedyByFullPasses(long[] ids, int max) {
    int vocab = decoder.config().getVocabSize();
    long[] row = ids;
    List<Integer> fresh = new ArrayList<>();
    for (int n = 0; n < max; n++) {
      double[] logits = decoder.logits(new long[][] {row}).toDoubleArray();
      int best = 0;
      for (int v = 1; v < vocab; v++) {
        if (logits[(row.length - 1) * vocab + v] > logits[(row.length - 1) * vocab + best]) {
          best = v;
        }
      }
      if (best == 3) { // </s>
        break;
      }
      fresh.add(best);
      row = Arrays.copyOf(row, row.length + 1);
      row[row.length - 1] = best;
    }
    return new CharTokenizer().decode(fresh.stream().mapToInt(Integer::intValue).toArray());
  }

  @Test
  void promptsAreEncodedAsTheReferenceDoesWithoutBosAndAnEmptyOneIsEos() {
    CharTokenizer tokenizer = new CharTokenizer();
    long[] callMe = Arrays.stream(tokenizer.encode("Call me")).asLongStream().toArray();
    assertThat(Generator.promptIds(tokenizer, "Call me")).containsExactly(callMe);
    assertThat(Generator.promptIds(tokenizer, "")).containsExactly(3); // </s>
    // The ids that reach the model: generation equals greedy full passes over exactly these.
    for (CacheMode mode : List.of(CacheMode.NONE, CacheMode.KV_G)) {
      assertThat(generator.generate("Call me", SamplingConfig.greedy(8), mode, s -> {}).text())
          .as(mode.toString())
          .isEqualTo(greedyByFullPasses(callMe, 8));
      assertThat(generator.generate("", SamplingConfig.greedy(8), mode, s -> {}).text())
          .as(mode.toString())
          .isEqualTo(greedyByFullPasses(new long[] {3}, 8));
    }
    long[] withBos = new long[callMe.length + 1];
    withBos[0] = 2;
    System.arraycopy(callMe, 0, withBos, 1, callMe.length);
    int vocab = decoder.config().getVocabSize();
    double[] own = decoder.logits(new long[][] {callMe}).toDoubleArray();
    double[] bos = decoder.logits(new long[][] {withBos}).toDoubleArray();
    assertThat(Arrays.copyOfRange(bos, bos.length - vocab, bos.length))
        .as("a <s> in front changes what the model predicts")
        .isNotEqualTo(Arrays.copyOfRange(own, own.length - vocab, own.length));
  }

  @Test
  void promptLongerThanTheContextIsRefused() {
    assertThatThrownBy(
            () ->
                generator.generate(
                    "y".repeat(60), SamplingConfig.greedy(3), CacheMode.KV_G, s -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than the model's context of 48");
  }

  @Test
  void concurrentCallsGiveWhatSequentialCallsGive() throws Exception {
    List<String> prompts = List.of("a", "bb", "sea", "ship", "Ahab", "whale!", "x y z", "Q");
    SamplingConfig s = new SamplingConfig(0.8, 30, 0.9, 11, 10, List.of());
    List<String> sequential = new ArrayList<>();
    for (String p : prompts) {
      sequential.add(generator.generate(p, s, CacheMode.KV_G, x -> {}).text());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (String p : prompts) {
        futures.add(pool.submit(() -> generator.generate(p, s, CacheMode.KV_G, x -> {}).text()));
      }
      for (int i = 0; i < prompts.size(); i++) {
        assertThat(futures.get(i).get()).as(prompts.get(i)).isEqualTo(sequential.get(i));
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void promptsOfDifferentLengthsBatchedGiveWhatEachGivesAlone() {
    List<String> prompts = List.of("Call me Ishmael.", "a", "The whale sank", "sea");
    for (CacheMode mode : List.of(CacheMode.KV_G, CacheMode.KV, CacheMode.G)) {
      for (SamplingConfig s :
          List.of(SamplingConfig.greedy(10), new SamplingConfig(0.9, 20, 0.95, 7, 10, List.of()))) {
        List<Generation> batched = generator.generate(prompts, s, mode);
        for (int i = 0; i < prompts.size(); i++) {
          Generation alone = generator.generate(prompts.get(i), s, mode, x -> {});
          assertThat(batched.get(i)).as("%s %s", mode, prompts.get(i)).isEqualTo(alone);
        }
      }
    }
  }

  @Test
  void aBatchedStepsLogitsEqualEachPromptsOwn() {
    List<long[]> prompts =
        List.of(new long[] {2, 40, 41, 42, 43, 44}, new long[] {2, 50}, new long[] {2, 60, 61, 62});
    CachedDecoder.Step batch = decoder.prefill(prompts);
    long[][] next = new long[3][];
    double worst = 0;
    try {
      for (int b = 0; b < 3; b++) {
        next[b] = new long[7];
        int pad = 6 - prompts.get(b).length;
        System.arraycopy(prompts.get(b), 0, next[b], pad, prompts.get(b).length);
        next[b][6] = 70 + b;
      }
      CachedDecoder.Step stepped = decoder.step(batch.state(), next, CacheMode.KV_G);
      try {
        for (int b = 0; b < 3; b++) {
          long[] alone = java.util.Arrays.copyOf(prompts.get(b), prompts.get(b).length + 1);
          alone[alone.length - 1] = 70 + b;
          CachedDecoder.Step one = decoder.prefill(new long[][] {prompts.get(b)});
          assertThat(rowOf(batch.logits(), b).maxAbsDiff(one.logits())).isLessThan(1e-6);
          CachedDecoder.Step oneStep =
              decoder.step(one.state(), new long[][] {alone}, CacheMode.KV_G);
          worst = Math.max(worst, rowOf(stepped.logits(), b).maxAbsDiff(oneStep.logits()));
          oneStep.state().close();
        }
      } finally {
        stepped.state().close();
      }
    } catch (RuntimeException e) {
      batch.state().close();
      throw e;
    }
    System.out.printf("batched step against single: max|Δ| %.2e%n", worst);
    assertThat(worst).isLessThan(1e-4);
  }

  private static io.pldr.api.tensor.HostTensor rowOf(io.pldr.api.tensor.HostTensor t, int b) {
    int v = (int) t.shape().dim(1);
    double[] all = t.toDoubleArray();
    return io.pldr.api.tensor.HostTensor.wrap(
        t.dtype(),
        io.pldr.api.tensor.Shape.of(1, v),
        java.util.Arrays.copyOfRange(all, b * v, (b + 1) * v));
  }
}

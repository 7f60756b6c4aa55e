package io.pldr.eval.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pldr.api.cache.GCache;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.tensor.HostTensor;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.score.LogLikelihoods;
import io.pldr.cache.score.Score;
import io.pldr.cache.score.Scorer;
import io.pldr.cache.score.TokenRequest;
import io.pldr.eval.SpaceLetterTokenizer;
import io.pldr.eval.request.Loglikelihood;
import io.pldr.eval.request.LoglikelihoodRequest;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.operator.ExternalOperatorProvider;
import io.pldr.tf.operator.IdentityOperatorProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.runtime.TfPldrModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on a tiny random two-layer model against independent full forward passes: without
 * G-cache it equals one pass over context + continuation, with G-cache one pass whose G_LM is the
 * context's (the {@code external} operator fed a G-cache file of the context).
 */
class CachedDecoderEngineTest {
  private static final double TOLERANCE = 1e-4;
  private static final long SEED = 7;
  private static final ModelConfig CONFIG =
      ModelConfigs.validate(
          ModelConfig.newBuilder()
              .setNumLayers(2)
              .setDModel(16)
              .setNumHeads(2)
              .setDff(32)
              .setVocabSize(126)
              .setADff(8)
              .setNumReslayerA(1)
              .setNumDenseA(1)
              .setMaxSeqLen(32)
              .build(),
          "test");
  private static final String CONTEXT = "Question: which way?\nAnswer:";
  private static final List<LoglikelihoodRequest> REQUESTS =
      List.of(
          new LoglikelihoodRequest(CONTEXT, " left"),
          new LoglikelihoodRequest(CONTEXT, " right and up"),
          new LoglikelihoodRequest(CONTEXT, " x"),
          new LoglikelihoodRequest(CONTEXT, " y"),
          new LoglikelihoodRequest(
              "The sea is calm and the whale swims far below the ship", " now"),
          new LoglikelihoodRequest("", " whale"));

  @TempDir static Path dir;
  private static final SpaceLetterTokenizer TOKENIZER = new SpaceLetterTokenizer();
  private static CachedDecoder decoder;
  private static TfPldrModel reference;

  @BeforeAll
  static void build() {
    decoder =
        new CachedDecoder(
            new ModelSpec(CONFIG, new LearnedPlgaProvider(), new PowerLawGraphAttentionProvider()));
    decoder.load(decoder.initialValues(SEED));
    reference =
        new TfPldrModel(
            new ModelSpec(CONFIG, new LearnedPlgaProvider(), new PowerLawGraphAttentionProvider()),
            SEED);
  }

  @AfterAll
  static void close() {
    decoder.close();
    reference.close();
  }

  private static List<Loglikelihood> run(boolean gCache, int batch) {
    return new CachedDecoderEngine(
            decoder, TOKENIZER, new CachedDecoderEngine.Options(gCache, batch, false))
        .loglikelihood(REQUESTS);
  }

  /** Log-softmax of one full pass over the input at the continuation's positions. */
  private static Loglikelihood fullPass(TfPldrModel model, TokenRequest e) {
    long[] input = e.input();
    HostTensor logits = model.forward(new long[][] {input}).logits();
    int vocab = CONFIG.getVocabSize();
    double sum = 0;
    boolean greedy = true;
    for (int j = 0; j < e.continuation().length; j++) {
      int row = (input.length - e.continuation().length + j) * vocab;
      double[] z = Arrays.copyOfRange(logits.toDoubleArray(), row, row + vocab);
      double max = Arrays.stream(z).max().orElseThrow();
      double lse = max + Math.log(Arrays.stream(z).map(x -> Math.exp(x - max)).sum());
      int target = (int) e.continuation()[j];
      sum += z[target] - lse;
      greedy &= z[target] == max;
    }
    return new Loglikelihood(sum, greedy, e.continuation().length);
  }

  private static TokenRequest encoded(LoglikelihoodRequest r) {
    return EncodedRequest.of(r, TOKENIZER, false, CONFIG.getMaxSeqLen());
  }

  private static void assertMatches(Loglikelihood actual, Loglikelihood expected) {
    assertThat(actual.sum()).isCloseTo(expected.sum(), within(TOLERANCE));
    assertThat(actual.isGreedy()).isEqualTo(expected.isGreedy());
    assertThat(actual.tokenCount()).isEqualTo(expected.tokenCount());
  }

  @Test
  void withoutGCacheEachRequestIsOneFullPassOverContextAndContinuation() {
    List<Loglikelihood> batched = run(false, 8);
    for (int i = 0; i < REQUESTS.size(); i++) {
      assertMatches(batched.get(i), fullPass(reference, encoded(REQUESTS.get(i))));
    }
    List<Loglikelihood> oneByOne = run(false, 1);
    for (int i = 0; i < REQUESTS.size(); i++) {
      assertThat(oneByOne.get(i).sum()).isCloseTo(batched.get(i).sum(), within(1e-5));
    }
  }

  @Test
  void withGCacheTheContinuationAttendsWithTheContextsGLm() throws Exception {
    List<Loglikelihood> cached = run(true, 8);
    Map<String, List<Integer>> byPrompt = new java.util.LinkedHashMap<>();
    for (int i = 0; i < REQUESTS.size(); i++) {
      byPrompt
          .computeIfAbsent(
              Arrays.toString(encoded(REQUESTS.get(i)).prompt()), k -> new java.util.ArrayList<>())
          .add(i);
    }
    // Three requests share the first context; " right and up" truncates it from the left.
    assertThat(byPrompt.values())
        .containsExactly(List.of(0, 2, 3), List.of(1), List.of(4), List.of(5));
    for (List<Integer> requests : byPrompt.values()) {
      long[] prompt = encoded(REQUESTS.get(requests.get(0))).prompt();
      Path file = dir.resolve("g" + requests.get(0) + ".safetensors");
      CachedDecoder.Step step = decoder.prefill(new long[][] {prompt});
      try (var state = step.state()) {
        GCacheFile.save(file, CONFIG, state.gCache(), "sha256:test-decoder");
      }
      ModelConfig external =
          CONFIG.toBuilder()
              .setTensorOperator(
                  TensorOperatorSpec.newBuilder()
                      .setName("external")
                      .putOptions(ExternalOperatorProvider.FILE_OPTION, file.toString()))
              .build();
      try (TfPldrModel withG =
          new TfPldrModel(
              new ModelSpec(
                  external, new ExternalOperatorProvider(), new PowerLawGraphAttentionProvider()),
              SEED)) {
        withG.loadParameters(only(withG, decoder.initialValues(SEED)));
        for (int i : requests) {
          assertMatches(cached.get(i), fullPass(withG, encoded(REQUESTS.get(i))));
        }
      }
    }
  }

  /** The external-operator model of a G-cache file (its parameters the decoder's). */
  private static TfPldrModel external(Path file) {
    ModelConfig external =
        CONFIG.toBuilder()
            .setTensorOperator(
                TensorOperatorSpec.newBuilder()
                    .setName("external")
                    .putOptions(ExternalOperatorProvider.FILE_OPTION, file.toString()))
            .build();
    TfPldrModel withG =
        new TfPldrModel(
            new ModelSpec(
                external, new ExternalOperatorProvider(), new PowerLawGraphAttentionProvider()),
            SEED);
    withG.loadParameters(only(withG, decoder.initialValues(SEED)));
    return withG;
  }

  @Test
  void withAFixedGCacheEveryContextAttendsWithItAsTheScorerScoresIt() throws Exception {
    GCache fixed;
    try (var state = decoder.prefill(new long[][] {{40, 41, 42, 43, 44, 45}}).state()) {
      fixed = state.gCache();
    }
    Path file = dir.resolve("fixed.safetensors");
    GCacheFile.save(file, CONFIG, fixed, "sha256:test-decoder");
    CachedDecoderEngine engine =
        new CachedDecoderEngine(
            decoder,
            TOKENIZER,
            new CachedDecoderEngine.Options(true, 8, false),
            Optional.of(fixed));
    assertThat(engine.setting()).isEqualTo("g_cache_file");
    List<Loglikelihood> withFile = engine.loglikelihood(REQUESTS);
    List<Loglikelihood> ownGCache = run(true, 8);
    Scorer scorer =
        new Scorer(decoder, TOKENIZER, new LogLikelihoods.Options(true, 8), Optional.of(fixed));
    try (TfPldrModel withG = external(file)) {
      for (int i = 0; i < REQUESTS.size(); i++) {
        LoglikelihoodRequest r = REQUESTS.get(i);
        // no context here ends in spaces, so the scorer encodes every request as the engine does
        Score s = scorer.score(r.context(), r.continuation());
        assertThat(withFile.get(i).sum()).as(r.toString()).isEqualTo(s.logLikelihood());
        assertThat(withFile.get(i).isGreedy()).isEqualTo(s.greedy());
        assertMatches(withFile.get(i), fullPass(withG, encoded(r)));
      }
    }
    assertThat(Math.abs(withFile.get(1).sum() - ownGCache.get(1).sum()))
        .as("each context's own G-cache is another one")
        .isGreaterThan(1e-4);
  }

  @Test
  void aRequestLongerThanTheContextScoresAsItsLastMaxSeqLenPlusOneTokens() {
    LoglikelihoodRequest r = REQUESTS.get(1); // " right and up" after the long context
    long[] context = ids(CONTEXT);
    long[] whole = ids(CONTEXT + r.continuation());
    int contLength = whole.length - context.length;
    int max = CONFIG.getMaxSeqLen();
    assertThat(whole.length).isGreaterThan(max + 1);
    long[] kept = Arrays.copyOfRange(whole, whole.length - (max + 1), whole.length);
    TokenRequest truncated =
        new TokenRequest(
            Arrays.copyOf(kept, kept.length - contLength),
            Arrays.copyOfRange(kept, kept.length - contLength, kept.length));
    assertMatches(run(false, 8).get(1), fullPass(reference, truncated));
    Score direct =
        new LogLikelihoods(decoder, new LogLikelihoods.Options(true, 8))
            .score(List.of(truncated))
            .get(0);
    assertThat(run(true, 8).get(1).sum()).isEqualTo(direct.logLikelihood());
  }

  private static long[] ids(String text) {
    return Arrays.stream(TOKENIZER.encode(text)).asLongStream().toArray();
  }

  @Test
  void theSettingsDifferOnARandomModelButNotForOneTokenContinuations() {
    List<Loglikelihood> cached = run(true, 8);
    List<Loglikelihood> uncached = run(false, 8);
    // " right and up": the continuation's own queries enter G_LM only without the cache.
    assertThat(Math.abs(cached.get(1).sum() - uncached.get(1).sum())).isGreaterThan(1e-4);
    // " x" is one token: both settings read the context alone.
    assertThat(cached.get(2).sum()).isCloseTo(uncached.get(2).sum(), within(1e-5));
  }

  @Test
  void withTheIdentityOperatorBothSettingsAgree() {
    ModelConfig identity =
        CONFIG.toBuilder()
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName("identity"))
            .build();
    try (CachedDecoder sdpa =
        new CachedDecoder(
            new ModelSpec(
                identity, new IdentityOperatorProvider(), new PowerLawGraphAttentionProvider()))) {
      sdpa.load(sdpa.initialValues(SEED));
      List<Loglikelihood> cached =
          new CachedDecoderEngine(sdpa, TOKENIZER, new CachedDecoderEngine.Options(true, 4, false))
              .loglikelihood(REQUESTS);
      List<Loglikelihood> uncached =
          new CachedDecoderEngine(sdpa, TOKENIZER, new CachedDecoderEngine.Options(false, 4, false))
              .loglikelihood(REQUESTS);
      for (int i = 0; i < REQUESTS.size(); i++) {
        assertThat(cached.get(i).sum()).isCloseTo(uncached.get(i).sum(), within(TOLERANCE));
      }
    }
  }

  private static Map<String, HostTensor> only(TfPldrModel model, Map<String, HostTensor> all) {
    return all.entrySet().stream()
        .filter(e -> model.parameterSpecs().containsKey(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}

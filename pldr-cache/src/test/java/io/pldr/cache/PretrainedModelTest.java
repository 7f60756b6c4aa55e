package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ForwardResult;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.cache.generate.Generation;
import io.pldr.cache.generate.Generator;
import io.pldr.cache.generate.SamplingConfig;
import io.pldr.cache.score.LogLikelihoods;
import io.pldr.cache.score.Score;
import io.pldr.cache.score.TokenRequest;
import io.pldr.cache.text.HfTokenizer;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.runtime.TfPldrModel;
import io.pldr.tf.testing.Specs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One call loads a checkpoint folder for generation and scoring; bad folders fail clearly. */
class PretrainedModelTest {
  private static final long SEED = 5;
  private static final SamplingConfig GREEDY = SamplingConfig.greedy(12);

  @TempDir Path dir;

  @Test
  void aRunFolderLoadsAndGeneratesWhatItsParametersGenerate() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path run = TinyCheckpoint.write(dir.resolve("run"), config, SEED);
    String expected;
    try (CachedDecoder decoder = new CachedDecoder(Specs.of(config));
        HfTokenizer tokenizer = HfTokenizer.load(TinyCheckpoint.TOKENIZER)) {
      try (ModelGraph g = new ModelGraph(Specs.of(config))) {
        decoder.load(g.initialValues(SEED));
      }
      expected =
          new Generator(decoder, tokenizer)
              .generate("Call me Ishmael.", GREEDY, CacheMode.KV_G, p -> {})
              .text();
    }
    try (PretrainedModel model = PretrainedModel.load(run)) {
      assertThat(model.config()).isEqualTo(config);
      assertThat(model.specialTokens().eos()).isEqualTo(3);
      List<String> streamed = new ArrayList<>();
      Generation g =
          model.generator().generate("Call me Ishmael.", GREEDY, CacheMode.KV_G, streamed::add);
      assertThat(g.text()).isEqualTo(expected).isNotEmpty();
      assertThat(String.join("", streamed)).isEqualTo(expected);
    }
  }

  @Test
  void theScorerGivesTheLogLikelihoodOfAFullForwardPass() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path run = TinyCheckpoint.write(dir.resolve("run"), config, SEED);
    String context = "It was the best of";
    String continuation = " times, it was";
    double expected;
    try (HfTokenizer tokenizer = HfTokenizer.load(TinyCheckpoint.TOKENIZER);
        TfPldrModel reference = new TfPldrModel(Specs.of(config), SEED)) {
      int[] ctx = tokenizer.encode(context);
      int[] whole = tokenizer.encode(context + continuation);
      long[] row = new long[whole.length - 1]; // every token but the last (no BOS)
      for (int i = 0; i < whole.length - 1; i++) {
        row[i] = whole[i];
      }
      ForwardResult r = reference.forward(new long[][] {row});
      int vocab = config.getVocabSize();
      expected = 0;
      for (int pos = ctx.length; pos < whole.length; pos++) {
        expected += logSoftmax(r.logits(), (pos - 1) * vocab, vocab, whole[pos]);
      }
    }
    try (PretrainedModel model = PretrainedModel.load(run)) {
      Score s = model.scorer(false).score(context, continuation);
      assertThat(s.tokens()).isGreaterThan(1);
      assertThat(s.logLikelihood()).isCloseTo(expected, within(1e-4));
    }
  }

  /** The summed log-softmax of a full pass over {@code tokens} but its last, after {@code from}. */
  private static double fullPassScore(TfPldrModel model, long[] tokens, int from, int vocab) {
    ForwardResult r = model.forward(new long[][] {Arrays.copyOf(tokens, tokens.length - 1)});
    double sum = 0;
    for (int pos = from; pos < tokens.length; pos++) {
      sum += logSoftmax(r.logits(), (pos - 1) * vocab, vocab, (int) tokens[pos]);
    }
    return sum;
  }

  private static long[] longs(int[] ids) {
    return Arrays.stream(ids).asLongStream().toArray();
  }

  @Test
  void aWholeTextIsScoredAfterTheEndOfTextToken() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path run = TinyCheckpoint.write(dir.resolve("run"), config, SEED);
    String text = "It was the best of times";
    double expected;
    try (HfTokenizer tokenizer = HfTokenizer.load(TinyCheckpoint.TOKENIZER);
        TfPldrModel reference = new TfPldrModel(Specs.of(config), SEED)) {
      int[] ids = tokenizer.encode(text);
      long[] tokens = new long[ids.length + 1];
      tokens[0] = 3; // </s>, as the papers' evaluation scores an empty context
      System.arraycopy(longs(ids), 0, tokens, 1, ids.length);
      expected = fullPassScore(reference, tokens, 1, config.getVocabSize());
    }
    try (PretrainedModel model = PretrainedModel.load(run)) {
      assertThat(model.scorer(false).score(text).logLikelihood()).isCloseTo(expected, within(1e-4));
    }
  }

  @Test
  void aRequestLongerThanTheContextIsTruncatedFromTheLeft() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path run = TinyCheckpoint.write(dir.resolve("run"), config, SEED);
    int max = config.getMaxSeqLen();
    String context = "The whale follows the ship and the sea is calm. ".repeat(12) + "Call me";
    String continuation = " Ishmael, the sailor";
    long[] kept;
    int contLength;
    double expected;
    try (HfTokenizer tokenizer = HfTokenizer.load(TinyCheckpoint.TOKENIZER);
        TfPldrModel reference = new TfPldrModel(Specs.of(config), SEED)) {
      long[] ctx = longs(tokenizer.encode(context));
      long[] whole = longs(tokenizer.encode(context + continuation));
      assertThat(whole.length).as("longer than the context").isGreaterThan(max + 1);
      contLength = whole.length - ctx.length;
      kept = Arrays.copyOfRange(whole, whole.length - (max + 1), whole.length); // the last 65
      expected = fullPassScore(reference, kept, kept.length - contLength, config.getVocabSize());
    }
    try (PretrainedModel model = PretrainedModel.load(run)) {
      Score s = model.scorer(false).score(context, continuation);
      assertThat(s.tokens()).isEqualTo(contLength);
      assertThat(s.logLikelihood()).isCloseTo(expected, within(1e-4));
      // with G-cache: the same as the truncated request given in token ids
      TokenRequest truncated =
          new TokenRequest(
              Arrays.copyOf(kept, kept.length - contLength),
              Arrays.copyOfRange(kept, kept.length - contLength, kept.length));
      Score direct =
          new LogLikelihoods(model.decoder(), new LogLikelihoods.Options(true, 4))
              .score(List.of(truncated))
              .get(0);
      assertThat(model.scorer(true).score(context, continuation)).isEqualTo(direct);
    }
  }

  @Test
  void theGCacheOfAPromptIsInferredFromItsIdsWithoutBosAndFromEosWhenEmpty() throws Exception {
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("learned"), SEED);
    try (PretrainedModel model = PretrainedModel.load(run)) {
      long[] whale = longs(model.tokenizer().encode("The whale"));
      assertThat(values(model.inferGCache("The whale"))).isEqualTo(values(prefill(model, whale)));
      assertThat(values(model.inferGCache(""))).isEqualTo(values(prefill(model, new long[] {3})));
      long[] withBos = new long[whale.length + 1];
      withBos[0] = 2;
      System.arraycopy(whale, 0, withBos, 1, whale.length);
      assertThat(values(model.inferGCache("The whale")))
          .isNotEqualTo(values(prefill(model, withBos)));
    }
  }

  private static GCache prefill(PretrainedModel model, long[] ids) {
    try (DecodeState state = model.decoder().prefill(new long[][] {ids}).state()) {
      return state.gCache();
    }
  }

  /** Every layer's A_LM, then G_LM, one after the other. */
  private static double[] values(GCache g) {
    java.util.stream.DoubleStream all = java.util.stream.DoubleStream.empty();
    for (int i = 0; i < g.numLayers(); i++) {
      all =
          java.util.stream.DoubleStream.concat(
              all,
              java.util.stream.DoubleStream.concat(
                  Arrays.stream(g.layer(i).aLm().toDoubleArray()),
                  Arrays.stream(g.layer(i).gLm().toDoubleArray())));
    }
    return all.toArray();
  }

  @Test
  void aModelLoadedWithAGCacheFileScoresEveryContextWithIt() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path run = TinyCheckpoint.write(dir.resolve("run"), config, SEED);
    Path file = dir.resolve("g.safetensors");
    String context = "It was the best of";
    String continuation = " times, it was";
    Score fixed;
    Score own;
    try (PretrainedModel model = PretrainedModel.load(run)) {
      GCache g = model.inferGCache("The whale");
      GCacheFile.save(file, model.config(), g, model.fingerprint());
      fixed = model.scorer(g).score(context, continuation);
      own = model.scorer(true).score(context, continuation);
    }
    assertThat(fixed.logLikelihood()).isNotCloseTo(own.logLikelihood(), within(1e-4));
    try (PretrainedModel model = PretrainedModel.loader(run).gCache(file).load()) {
      assertThat(model.scorer(true).score(context, continuation)).isEqualTo(fixed);
    }
  }

  @Test
  void anInferredGCacheSavedAndLoadedDecodesLikeTheOneInMemory() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Path run = TinyCheckpoint.write(dir.resolve("run"), config, SEED);
    Path file = dir.resolve("g.safetensors");
    String inMemory;
    try (PretrainedModel model = PretrainedModel.load(run)) {
      GCache g = model.inferGCache("The whale");
      assertThat(g.numLayers()).isEqualTo(2);
      GCacheFile.save(file, model.config(), g, model.fingerprint());
      inMemory = model.generator(g).generate("Call me", GREEDY, CacheMode.KV_G, p -> {}).text();
      String own = model.generator().generate("Call me", GREEDY, CacheMode.KV_G, p -> {}).text();
      assertThat(own).as("each prompt's own G-cache is another one").isNotEqualTo(inMemory);
    }
    try (PretrainedModel model = PretrainedModel.loader(run).gCache(file).load()) {
      assertThat(model.gCache()).isPresent();
      assertThat(model.generator().generate("Call me", GREEDY, CacheMode.KV_G, p -> {}).text())
          .isEqualTo(inMemory);
    }
  }

  @Test
  void severalThreadsShareOneModel() throws Exception {
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("learned"), SEED);
    List<String> prompts = List.of("Call me", "The whale", "Queequeg", "It was", "Ahab", "Sea");
    try (PretrainedModel model = PretrainedModel.load(run)) {
      Map<String, String> alone = new LinkedHashMap<>();
      for (String p : prompts) {
        alone.put(p, model.generator().generate(p, GREEDY, CacheMode.KV_G, x -> {}).text());
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<String>> futures = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (String p : prompts) {
            futures.add(
                pool.submit(
                    () -> model.generator().generate(p, GREEDY, CacheMode.KV_G, x -> {}).text()));
          }
        }
        for (int i = 0; i < futures.size(); i++) {
          assertThat(futures.get(i).get()).isEqualTo(alone.get(prompts.get(i % prompts.size())));
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void aFloat64LoadRunsInFloat64() throws Exception {
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("identity"), SEED);
    try (PretrainedModel model = PretrainedModel.loader(run).precision(Precision.FLOAT64).load()) {
      assertThat(model.config().getPrecision()).isEqualTo(Precision.FLOAT64);
      assertThat(model.inferGCache("Call me").layer(0).gLm().dtype()).isEqualTo(DType.FLOAT64);
    }
  }

  @Test
  void aCheckpointWithoutATokenizerFailsNamingTheFile() throws Exception {
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("learned"), SEED);
    Path checkpoint = onlyCheckpoint(run);
    Files.delete(checkpoint.resolve("tokenizer.json"));
    assertThatThrownBy(() -> PretrainedModel.load(run))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(checkpoint.resolve("tokenizer.json").toString());
  }

  @Test
  void aTokenizerOfAnotherVocabularyFailsNamingTheFileAndBothSizes() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned").toBuilder().setVocabSize(400).build();
    Path run = TinyCheckpoint.write(dir.resolve("run"), config, SEED);
    assertThatThrownBy(() -> PretrainedModel.load(run))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenizer.json")
        .hasMessageContaining("has 384 ids")
        .hasMessageContaining("vocab_size is 400");
  }

  @Test
  void aParameterOfTheWrongShapeFailsNamingTheFileTheTensorAndBothShapes() throws Exception {
    ModelConfig config = TinyCheckpoint.config("learned");
    Map<String, HostTensor> parameters;
    try (ModelGraph g = new ModelGraph(Specs.of(config))) {
      parameters = new LinkedHashMap<>(g.initialValues(SEED));
    }
    String name = "decoder.dec_layers.1.ffn.gluw1.weight";
    parameters.put(name, HostTensor.of(DType.FLOAT32, Shape.of(47, 32), new double[47 * 32]));
    Path run =
        TinyCheckpoint.write(dir.resolve("run"), config, parameters, TinyCheckpoint.TOKENIZER);
    assertThatThrownBy(() -> PretrainedModel.load(run))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining(name)
        .hasMessageContaining("has shape [47, 32], expected [48, 32]");
  }

  @Test
  void aFolderThatIsNoCheckpointFailsNamingIt() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> PretrainedModel.load(empty))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("not a pldr checkpoint");
  }

  private static Path onlyCheckpoint(Path run) throws IOException {
    try (var s = Files.list(run.resolve("checkpoints"))) {
      return s.filter(p -> p.getFileName().toString().startsWith("step-")).findFirst().get();
    }
  }

  private static double logSoftmax(HostTensor logits, int offset, int vocab, int target) {
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      max = Math.max(max, logits.get(offset + v));
    }
    double z = 0;
    for (int v = 0; v < vocab; v++) {
      z += Math.exp(logits.get(offset + v) - max);
    }
    return logits.get(offset + target) - max - Math.log(z);
  }
}

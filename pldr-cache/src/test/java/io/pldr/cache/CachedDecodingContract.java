package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.operator.ConstantOperator;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.runtime.TfPldrModel;
import io.pldr.tf.testing.TestGraph;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Cached decoding equals uncached decoding, for any tensor operator: extend it with the operator's
 * provider (pldr-cache's test-jar). On a small float64 model with random weights it checks that the
 * prompt pass computes what one full forward pass computes, that KV-cache steps compute what
 * recomputing the whole sequence with the same A_LM and G_LM computes ({@code kv_g} against {@code
 * g}), and, for a constant operator, that every cache mode decodes exactly as recomputation does
 * and every prompt infers the same G-cache. A metric operator's G_LM depends on the prompt, so for
 * it the last two do not hold, and they are skipped.
 */
public abstract class CachedDecodingContract {
  private static final double TOLERANCE = 1e-9;
  private static final int PROMPT = 5;
  private static final int LENGTH = 12;

  /** The operator under test. */
  protected abstract TensorOperatorProvider operator();

  /** The attention variant it is decoded with. */
  protected AttentionProvider attention() {
    return new PowerLawGraphAttentionProvider();
  }

  /**
   * A small model with the operator under test; override to set its options ({@link #withOptions}).
   */
  protected ModelConfig config() {
    return baseConfig();
  }

  /** The small model of {@link #config()} without options. */
  protected final ModelConfig baseConfig() {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(2)
            .setDModel(16)
            .setNumHeads(2)
            .setDff(24)
            .setVocabSize(40)
            .setADff(6)
            .setNumReslayerA(1)
            .setNumDenseA(1)
            .setMaxSeqLen(16)
            .setPrecision(Precision.FLOAT64)
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName("operator-under-test"))
            .build(),
        "contract");
  }

  private ModelSpec spec() {
    ModelSpec spec = new ModelSpec(config(), operator(), attention());
    spec.operator().validate(spec.config());
    return spec;
  }

  private CachedDecoder decoder(ModelSpec spec) {
    CachedDecoder decoder = new CachedDecoder(spec);
    try (ModelGraph g = new ModelGraph(spec)) {
      decoder.load(g.initialValues(3));
    }
    return decoder;
  }

  private long[] row(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] row = new long[LENGTH];
    for (int i = 0; i < row.length; i++) {
      row[i] = 1 + r.nextInt(config().getVocabSize() - 1);
    }
    return row;
  }

  private boolean constant(ModelSpec spec) {
    try (TestGraph g = new TestGraph(DType.FLOAT64)) {
      return spec.operator().create(new OperatorContext(0, spec.config(), g.ops(), "probe"))
          instanceof ConstantOperator;
    }
  }

  @Test
  void thePromptPassComputesWhatAFullForwardPassComputes() {
    ModelSpec spec = spec();
    long[] prompt = Arrays.copyOf(row(1), PROMPT);
    try (CachedDecoder decoder = decoder(spec);
        TfPldrModel reference = new TfPldrModel(spec, 3)) {
      CachedDecoder.Step s = decoder.prefill(new long[][] {prompt});
      s.state().close();
      HostTensor full = reference.forward(new long[][] {prompt}).logits();
      int vocab = spec.config().getVocabSize();
      double[] last =
          Arrays.copyOfRange(full.toDoubleArray(), (PROMPT - 1) * vocab, PROMPT * vocab);
      assertThat(s.logits().maxAbsDiff(HostTensor.of(DType.FLOAT64, Shape.of(1, vocab), last)))
          .isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @Test
  void kvCacheStepsComputeWhatRecomputationWithTheSameDeductiveOutputsComputes() {
    try (CachedDecoder decoder = decoder(spec())) {
      long[] row = row(2);
      HostTensor kvG = TeacherForcing.logits(decoder, row, PROMPT, CacheMode.KV_G);
      HostTensor g = TeacherForcing.logits(decoder, row, PROMPT, CacheMode.G);
      assertThat(kvG.maxAbsDiff(g)).isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @Test
  void aConstantOperatorDecodesInEveryCacheModeAsRecomputationDoes() {
    ModelSpec spec = spec();
    assumeTrue(constant(spec), "a metric operator's G_LM depends on the prompt");
    try (CachedDecoder decoder = decoder(spec)) {
      long[] row = row(4);
      HostTensor none = TeacherForcing.logits(decoder, row, PROMPT, CacheMode.NONE);
      for (CacheMode mode : CacheMode.values()) {
        assertThat(TeacherForcing.logits(decoder, row, PROMPT, mode).maxAbsDiff(none))
            .as("mode %s against recomputation", mode.id())
            .isLessThanOrEqualTo(TOLERANCE);
      }
    }
  }

  @Test
  void aConstantOperatorInfersTheSameGCacheFromEveryPrompt() {
    ModelSpec spec = spec();
    assumeTrue(constant(spec), "a metric operator's G_LM depends on the prompt");
    try (CachedDecoder decoder = decoder(spec)) {
      GCache[] g = new GCache[2];
      for (int i = 0; i < 2; i++) {
        try (DecodeState s =
            decoder.prefill(new long[][] {Arrays.copyOf(row(5 + i), PROMPT + i)}).state()) {
          g[i] = s.gCache();
        }
      }
      for (int layer = 0; layer < g[0].numLayers(); layer++) {
        assertThat(g[1].layer(layer).gLm()).isEqualTo(g[0].layer(layer).gLm());
        assertThat(g[1].layer(layer).aLm()).isEqualTo(g[0].layer(layer).aLm());
      }
    }
  }

  /** The small model with the operator options {@code options}. */
  protected final ModelConfig withOptions(Map<String, String> options) {
    ModelConfig c = baseConfig();
    return c.toBuilder()
        .setTensorOperator(c.getTensorOperator().toBuilder().putAllOptions(options))
        .build();
  }
}

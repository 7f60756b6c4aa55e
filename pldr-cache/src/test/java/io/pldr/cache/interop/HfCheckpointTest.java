package io.pldr.cache.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.PretrainedModel;
import io.pldr.tf.checkpoint.HfCheckpoint;
import io.pldr.tf.checkpoint.ModelFolder;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.testing.ReferenceFixture;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face folders of the PLDR-LLM port, written as the port writes them from the reference
 * fixture's model, load into pldr and compute what the reference computed.
 */
class HfCheckpointTest {
  private static final double REL = 1e-4;

  @TempDir Path tmp;
  private ReferenceFixture fixture;
  private Map<String, HostTensor> weights;

  @BeforeEach
  void extract() throws Exception {
    fixture =
        ReferenceFixture.extractTo(java.nio.file.Files.createDirectories(tmp.resolve("fixture")));
    weights = ReferenceCheckpoint.read(fixture.checkpointDir(), Precision.FLOAT32).tensors();
  }

  private Path folder(String name, ObjectNode config, Map<String, HostTensor> tensors, String dtype)
      throws Exception {
    Path dir = tmp.resolve(name);
    HfFolder.writeConfigAndTokenizer(dir, config);
    HfFolder.writeSafetensors(dir.resolve("model.safetensors"), tensors, dtype);
    return dir;
  }

  @Test
  void aLearnedModelComputesTheReferenceLogits() throws Exception {
    Path dir = folder("learned", HfFolder.fixtureConfig(), weights, "F32");
    HostTensor expected = fixture.io("full.logits");
    try (PretrainedModel model = PretrainedModel.load(dir)) {
      assertThat(model.checkpoint()).isInstanceOf(HfCheckpoint.class);
      assertThat(model.config().getTensorOperator().getName()).isEqualTo("learned");
      assertThat(model.tokenizer().vocabSize()).isEqualTo(256);
      HostTensor logits = model.decoder().logits(fixture.tokens());
      assertThat(logits.maxAbsDiff(expected))
          .isLessThanOrEqualTo(ReferenceFixture.tolerance(expected, REL));
    }
  }

  /**
   * A v52 folder ({@code reference_rope: false}, here with {@code rope_theta} 500000) runs the half
   * rotation: its logits are those of pldr's HALF layout with that base (whose rotation is checked
   * against the formulas in RotaryEmbeddingTest), not the interleaved ones.
   */
  @Test
  void aV52FolderRunsTheHalfRotation() throws Exception {
    ObjectNode config =
        HfFolder.fixtureConfig().put("reference_rope", false).put("rope_theta", 500000.0);
    Path dir = folder("v52", config, weights, "F32");
    HostTensor got;
    try (PretrainedModel model = PretrainedModel.load(dir)) {
      assertThat(model.config().getRotaryLayout()).isEqualTo(io.pldr.api.config.RotaryLayout.HALF);
      assertThat(model.config().getRopeTheta()).isEqualTo(500000.0);
      got = model.decoder().logits(fixture.tokens());
    }
    ModelConfig learned =
        ReferenceCheckpoint.read(fixture.checkpointDir(), Precision.FLOAT32).config();
    ModelConfig half =
        learned.toBuilder()
            .setRotaryLayout(io.pldr.api.config.RotaryLayout.HALF)
            .setRopeTheta(500000)
            .build();
    try (CachedDecoder reference = new CachedDecoder(PldrInjectors.spec(half))) {
      reference.load(weights);
      assertThat(got.maxAbsDiff(reference.logits(fixture.tokens()))).isLessThan(1e-6);
    }
    assertThat(got.maxAbsDiff(fixture.io("full.logits"))).isGreaterThan(1e-2);
  }

  @Test
  void bfloat16AndFloat16WeightsLoadAsTheirFloat32Values() throws Exception {
    for (String dtype : new String[] {"BF16", "F16"}) {
      ObjectNode config =
          HfFolder.fixtureConfig()
              .put("torch_dtype", dtype.equals("BF16") ? "bfloat16" : "float16");
      Path dir = folder(dtype, config, weights, dtype);
      Map<String, HostTensor> read = HfCheckpoint.open(dir).model();
      assertThat(read.keySet()).isEqualTo(weights.keySet());
      for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
        HostTensor got = read.get(e.getKey());
        float[] want = e.getValue().toFloatArray();
        for (int i = 0; i < want.length; i++) {
          want[i] =
              dtype.equals("BF16")
                  ? HfFolder.fromBf16(HfFolder.toBf16(want[i]))
                  : HfFolder.fromF16(HfFolder.toF16(want[i]));
        }
        assertThat(got.toFloatArray()).as("%s %s", dtype, e.getKey()).containsExactly(want);
      }
      try (PretrainedModel model = PretrainedModel.load(dir)) {
        assertThat(model.config().getPrecision())
            .isIn(Precision.PRECISION_UNSPECIFIED, Precision.FLOAT32);
        HostTensor expected = fixture.io("full.logits");
        // rounded weights move the logits a little, never wholesale
        assertThat(model.decoder().logits(fixture.tokens()).maxAbsDiff(expected))
            .isLessThan(0.05 * expected.maxAbs());
      }
    }
  }

  @Test
  void shardsWithAnIndexEqualOneFile() throws Exception {
    Path dir = tmp.resolve("sharded");
    HfFolder.writeConfigAndTokenizer(dir, HfFolder.fixtureConfig());
    Map<String, HostTensor> first = new LinkedHashMap<>();
    Map<String, HostTensor> second = new LinkedHashMap<>();
    ObjectNode index = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    ObjectNode map = index.putObject("weight_map");
    int i = 0;
    for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
      boolean one = i++ % 2 == 0;
      (one ? first : second).put(e.getKey(), e.getValue());
      map.put(
          e.getKey(),
          one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    HfFolder.writeSafetensors(dir.resolve("model-00001-of-00002.safetensors"), first, "F32");
    HfFolder.writeSafetensors(dir.resolve("model-00002-of-00002.safetensors"), second, "F32");
    java.nio.file.Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
    Map<String, HostTensor> read = ModelFolder.open(dir).model();
    assertThat(read).isEqualTo(weights);
  }

  /** The port's identity model: no metric learner, G_LM = I in past_G_values. */
  @Test
  void anIdentityModelRunsScaledDotProductAttention() throws Exception {
    Map<String, HostTensor> kept = withoutMetricLearner();
    GCache identity = gCache(new Random(0), true);
    kept.putAll(pastG(identity));
    Path dir =
        folder("identity", HfFolder.fixtureConfig().put("custom_G_type", "identity"), kept, "F32");
    HostTensor logits;
    try (PretrainedModel model = PretrainedModel.load(dir)) {
      assertThat(model.config().getTensorOperator().getName()).isEqualTo("external");
      logits = model.decoder().logits(fixture.tokens());
    }
    ModelConfig sdpa =
        HfCheckpoint.open(dir).modelConfig().toBuilder()
            .setTensorOperator(
                io.pldr.api.config.TensorOperatorSpec.newBuilder().setName("identity"))
            .build();
    try (CachedDecoder reference = new CachedDecoder(PldrInjectors.spec(sdpa))) {
      reference.load(withoutMetricLearner());
      assertThat(logits.maxAbsDiff(reference.logits(fixture.tokens()))).isLessThan(1e-5);
    }
  }

  /**
   * An external (or random) model decodes as the learned model does when that model is given the
   * same A_LM and G_LM as a fixed G-cache.
   */
  @Test
  void anExternalModelDecodesWithItsPastGValues() throws Exception {
    GCache g = gCache(new Random(7), false);
    for (String type : new String[] {"external", "random"}) {
      Map<String, HostTensor> kept = withoutMetricLearner();
      kept.putAll(pastG(g));
      Path dir = folder(type, HfFolder.fixtureConfig().put("custom_G_type", type), kept, "F32");
      long[][] prompt = {java.util.Arrays.copyOf(fixture.tokens()[0], 7)};
      HostTensor got;
      try (PretrainedModel model = PretrainedModel.load(dir)) {
        got = model.decoder().prefill(prompt).logits();
      }
      ModelConfig learned =
          ReferenceCheckpoint.read(fixture.checkpointDir(), Precision.FLOAT32).config();
      try (CachedDecoder reference = new CachedDecoder(PldrInjectors.spec(learned))) {
        reference.load(weights);
        CachedDecoder.Step step = reference.prefill(prompt, g);
        step.state().close();
        assertThat(got.maxAbsDiff(step.logits())).as(type).isLessThan(1e-5);
      }
    }
  }

  private Map<String, HostTensor> withoutMetricLearner() {
    Map<String, HostTensor> kept = new LinkedHashMap<>();
    weights.forEach(
        (k, v) -> {
          if (!k.contains("reslayerAs")
              && !k.contains("plgatt_layer")
              && !k.contains("mha1.layernorm1")) {
            kept.put(k, v);
          }
        });
    return kept;
  }

  /** A G-cache of the fixture's shape: identity G_LM, or random A_LM and G_LM. */
  private static GCache gCache(Random random, boolean identity) {
    java.util.List<LayerDeductive> layers = new java.util.ArrayList<>();
    for (int l = 0; l < 2; l++) {
      float[] a = new float[4 * 16 * 16];
      float[] g = new float[4 * 16 * 16];
      for (int i = 0; i < g.length; i++) {
        int r = (i / 16) % 16;
        int c = i % 16;
        a[i] = identity ? 0 : (float) Math.abs(random.nextGaussian());
        g[i] =
            identity ? (r == c ? 1 : 0) : (float) (0.3 * random.nextGaussian() + (r == c ? 1 : 0));
      }
      layers.add(
          new LayerDeductive(
              HostTensor.wrapFloats(Shape.of(1, 4, 16, 16), a),
              HostTensor.wrapFloats(Shape.of(1, 4, 16, 16), g)));
    }
    return new GCache(layers);
  }

  /** The port's buffers: past_G_values [layers, 3, 1, H, d, d] (A = 0, A_LM, G_LM) and status. */
  private static Map<String, HostTensor> pastG(GCache g) {
    int block = 4 * 16 * 16;
    float[] all = new float[2 * 3 * block];
    for (int l = 0; l < 2; l++) {
      System.arraycopy(g.layer(l).aLm().toFloatArray(), 0, all, (3 * l + 1) * block, block);
      System.arraycopy(g.layer(l).gLm().toFloatArray(), 0, all, (3 * l + 2) * block, block);
    }
    Map<String, HostTensor> m = new LinkedHashMap<>();
    m.put("decoder.past_G_values", HostTensor.wrapFloats(Shape.of(2, 3, 1, 4, 16, 16), all));
    m.put("decoder.past_G_values_status", HostTensor.wrapFloats(Shape.of(2), new float[] {1, 1}));
    return m;
  }
}

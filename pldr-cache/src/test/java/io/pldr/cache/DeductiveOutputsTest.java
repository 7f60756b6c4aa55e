package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.GCache;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.cache.generate.Generator;
import io.pldr.tf.testing.ReferenceFixture;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt's deductive outputs in full (A, A_LM, A_P, G_LM, E): against the reference fixture,
 * against A_LM^pw computed here from the checkpoint's pwlst, and against the facade's G-cache.
 */
class DeductiveOutputsTest {
  @TempDir Path dir;

  @Test
  void theReferencesALmGLmAndAttentionWeightsAndAPEqualALmToThePw() throws Exception {
    try (FixtureDecoder fd = FixtureDecoder.open(dir, Precision.FLOAT32)) {
      ReferenceFixture f = fd.fixture();
      ModelConfig c = fd.checkpoint().config();
      long[] row = fd.row0();
      int t = row.length;
      int h = c.getNumHeads();
      int d = c.getDModel() / h;
      DeductiveTensors out = fd.decoder().deductive(row);
      assertThat(out.tokenIds()).containsExactlyElementsOf(Arrays.stream(row).boxed().toList());
      assertThat(out.layers()).hasSize(c.getNumLayers());
      for (int i = 0; i < c.getNumLayers(); i++) {
        DeductiveTensors.Layer l = out.layers().get(i);
        HostTensor aLm = first(f.io("full.layer" + i + ".A_LM"));
        HostTensor gLm = first(f.io("full.layer" + i + ".G_LM"));
        assertThat(l.aLm().maxAbsDiff(aLm))
            .isLessThanOrEqualTo(ReferenceFixture.tolerance(aLm, 1e-4));
        assertThat(l.gLm().maxAbsDiff(gLm))
            .isLessThanOrEqualTo(ReferenceFixture.tolerance(gLm, 1e-4));
        assertThat(l.a()).isPresent();
        assertThat(l.a().get().shape()).isEqualTo(Shape.of(1, h, d, d));

        // A_P = A_LM ^ pw, element-wise, from the checkpoint's pwlst [H, d, d]
        HostTensor pw =
            fd.checkpoint().tensors().get("decoder.dec_layers." + i + ".mha1.plgatt_layer.pwlst");
        double[] expectedP = new double[h * d * d];
        for (int k = 0; k < expectedP.length; k++) {
          expectedP[k] = Math.pow(l.aLm().get(k), pw.get(k));
        }
        HostTensor p = HostTensor.of(l.aLm().dtype(), Shape.of(1, h, d, d), expectedP);
        assertThat(l.potential()).isPresent();
        assertThat(l.potential().get().maxAbsDiff(p))
            .isLessThanOrEqualTo(1e-5 * Math.max(1, p.maxAbs()));

        // E = softmax(logits + causal mask · (−1e9)): rows sum to 1, zero above the diagonal
        HostTensor e = l.weights();
        assertThat(e.shape()).isEqualTo(Shape.of(1, h, t, t));
        HostTensor logits = first(f.io("full.layer" + i + ".attention_logits"));
        double worst = 0;
        for (int head = 0; head < h; head++) {
          for (int q = 0; q < t; q++) {
            int base = (head * t + q) * t;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k <= q; k++) {
              max = Math.max(max, logits.get(base + k));
            }
            double sum = 0;
            for (int k = 0; k <= q; k++) {
              sum += Math.exp(logits.get(base + k) - max);
            }
            double rowSum = 0;
            for (int k = 0; k < t; k++) {
              double w = e.get(base + k);
              rowSum += w;
              if (k > q) {
                assertThat(w).as("layer %d head %d: E[%d, %d]", i, head, q, k).isZero();
              } else {
                worst = Math.max(worst, Math.abs(w - Math.exp(logits.get(base + k) - max) / sum));
              }
            }
            assertThat(rowSum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
          }
        }
        assertThat(worst).as("layer %d: E against the reference's logits", i).isLessThan(1e-5);
      }
    }
  }

  /** Batch row 0 of a fixture tensor {@code [B, ...]}, as {@code [1, ...]}. */
  private static HostTensor first(HostTensor t) {
    long[] dims = t.shape().dims().clone();
    int size = Math.toIntExact(t.size() / dims[0]);
    dims[0] = 1;
    return HostTensor.of(t.dtype(), Shape.of(dims), Arrays.copyOf(t.toDoubleArray(), size));
  }

  @Test
  void theFacadesALmAndGLmAreItsGCachesForTheSamePrompt() throws Exception {
    String prompt = "Call me Ishmael.";
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("learned"), 3);
    try (PretrainedModel model = PretrainedModel.load(run)) {
      DeductiveTensors out = model.deductiveOutputs(prompt);
      GCache g = model.inferGCache(prompt);
      assertThat(out.tokenIds())
          .containsExactlyElementsOf(
              Arrays.stream(Generator.promptIds(model.tokenizer(), prompt)).boxed().toList());
      int t = out.tokenIds().size();
      for (int i = 0; i < g.numLayers(); i++) {
        DeductiveTensors.Layer l = out.layers().get(i);
        assertThat(l.aLm().maxAbsDiff(g.layer(i).aLm())).isLessThanOrEqualTo(1e-6);
        assertThat(l.gLm().maxAbsDiff(g.layer(i).gLm())).isLessThanOrEqualTo(1e-6);
        assertThat(l.a()).isPresent();
        assertThat(l.potential()).isPresent();
        assertThat(l.weights().shape()).isEqualTo(Shape.of(1, 2, t, t));
      }
    }
  }

  @Test
  void aConstantOperatorHasNeitherANorAP() throws Exception {
    Path run = TinyCheckpoint.write(dir.resolve("run"), TinyCheckpoint.config("identity"), 3);
    try (PretrainedModel model = PretrainedModel.load(run)) {
      DeductiveTensors out = model.deductiveOutputs("Call me Ishmael.");
      for (DeductiveTensors.Layer l : out.layers()) {
        assertThat(l.a()).isEmpty();
        assertThat(l.potential()).isEmpty();
        assertThat(l.gLm().maxAbsDiff(l.aLm())).isZero();
        int t = out.tokenIds().size();
        for (int q = 0; q < t; q++) {
          double sum = 0;
          for (int k = 0; k < t; k++) {
            sum += l.weights().get(q * t + k);
          }
          assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
      }
    }
  }
}

package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.model.WeightFormat;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.inject.PldrInjectors;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reduced-precision weights on random weights of the small shape: the stored matrices are the
 * float32 ones rounded as each format says, and a prompt pass and its decoding steps compute the
 * float32 logits up to that rounding.
 */
class ReducedWeightsTest {
  private static final ModelSpec SPEC = PldrInjectors.spec(SmallShape.config(64));

  @Test
  void storedMatricesAreTheFloatOnesRounded() {
    try (CachedDecoder f32 = new CachedDecoder(SPEC);
        CachedDecoder bf16 = new CachedDecoder(SPEC, WeightFormat.BFLOAT16);
        CachedDecoder int8 = new CachedDecoder(SPEC, WeightFormat.INT8)) {
      Map<String, HostTensor> values = f32.initialValues(5);
      bf16.load(values);
      int8.load(values);
      Map<String, HostTensor> bf16Values = bf16.parameters();
      Map<String, HostTensor> int8Values = int8.parameters();
      for (String name :
          new String[] {
            "decoder.embedding.weight",
            "decoder.dec_layers.0.mha1.wq.weight",
            "decoder.dec_layers.0.ffn.gluw3.weight",
            "final_layer.weight"
          }) {
        double[] w = values.get(name).toDoubleArray();
        double[] b = bf16Values.get(name).toDoubleArray();
        double[] q = int8Values.get(name).toDoubleArray();
        int cols = (int) values.get(name).shape().dim(1);
        for (int i = 0; i < w.length; i++) {
          // bfloat16 keeps 8 significant bits: a relative error of at most 2^-8
          assertThat(Math.abs(b[i] - w[i])).isLessThanOrEqualTo(Math.abs(w[i]) / 256 + 1e-30);
        }
        for (int r = 0; r < w.length / cols; r++) {
          double range = 0;
          for (int c = 0; c < cols; c++) {
            range = Math.max(range, Math.abs(w[r * cols + c]));
          }
          for (int c = 0; c < cols; c++) {
            // int8 rounds to the nearest multiple of range / 127: at most half a step off
            assertThat(Math.abs(q[r * cols + c] - w[r * cols + c]))
                .as("%s[%d,%d]", name, r, c)
                .isLessThanOrEqualTo(range / 127 / 2 * 1.0001);
          }
        }
      }
    }
  }

  @Test
  void promptPassAndStepsComputeTheFloatLogitsUpToRounding() {
    long[] row = new long[24];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < row.length; i++) {
      row[i] = 4 + random.nextInt(4000);
    }
    long[][] prompt = {java.util.Arrays.copyOf(row, 16)};
    try (CachedDecoder f32 = new CachedDecoder(SPEC)) {
      Map<String, HostTensor> values = f32.initialValues(5);
      f32.load(values);
      double[][] reference = logits(f32, prompt, row);
      for (WeightFormat format : new WeightFormat[] {WeightFormat.BFLOAT16, WeightFormat.INT8}) {
        try (CachedDecoder reduced = new CachedDecoder(SPEC, format)) {
          reduced.load(values);
          double[][] got = logits(reduced, prompt, row);
          for (int p = 0; p < got.length; p++) {
            double err = relativeRms(got[p], reference[p]);
            System.out.printf("%s pass %d: relative RMS error %.2e%n", format.id(), p, err);
            assertThat(err).as("%s pass %d", format.id(), p).isLessThan(0.1).isGreaterThan(0);
          }
        }
      }
    }
  }

  @Test
  void aFloat64ModelRefusesReducedWeightsNamingBoth() {
    ModelConfig f64 = SmallShape.config(64).toBuilder().setPrecision(Precision.FLOAT64).build();
    assertThatThrownBy(() -> new CachedDecoder(PldrInjectors.spec(f64), WeightFormat.INT8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weights int8 need a float32 model; this model is float64");
  }

  @Test
  void aFloat64CheckpointLoadedWithReducedWeightsIsRefusedNamingBoth(@TempDir Path dir)
      throws Exception {
    ModelConfig f64 =
        TinyCheckpoint.config("learned").toBuilder().setPrecision(Precision.FLOAT64).build();
    Path run = TinyCheckpoint.write(dir.resolve("run"), f64, 3);
    for (WeightFormat format : new WeightFormat[] {WeightFormat.BFLOAT16, WeightFormat.INT8}) {
      assertThatThrownBy(() -> PretrainedModel.loader(run).weights(format).load().close())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("weights " + format.id() + " need a float32 model; this model is float64");
    }
    try (PretrainedModel model = PretrainedModel.loader(run).load()) {
      assertThat(model.config().getPrecision()).isEqualTo(Precision.FLOAT64);
    }
  }

  /** The prompt pass's last logits, then those of 8 kv_g steps over the rest of {@code row}. */
  private static double[][] logits(CachedDecoder decoder, long[][] prompt, long[] row) {
    double[][] out = new double[1 + row.length - prompt[0].length][];
    CachedDecoder.Step s = decoder.prefill(prompt);
    out[0] = s.logits().toDoubleArray();
    DecodeState state = s.state();
    for (int t = prompt[0].length; t < row.length; t++) {
      CachedDecoder.Step next =
          decoder.step(state, new long[][] {java.util.Arrays.copyOf(row, t + 1)}, CacheMode.KV_G);
      state = next.state();
      out[1 + t - prompt[0].length] = next.logits().toDoubleArray();
    }
    state.close();
    return out;
  }

  private static double relativeRms(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - b[i]) * (a[i] - b[i]);
      den += b[i] * b[i];
    }
    return Math.sqrt(num / den);
  }
}

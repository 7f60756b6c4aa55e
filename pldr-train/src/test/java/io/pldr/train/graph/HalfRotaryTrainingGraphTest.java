package io.pldr.train.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.Precision;
import io.pldr.api.config.RotaryLayout;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.model.PldrDecoder;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.testing.Specs;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * The training graph of a HALF-rotary-layout model (v52) with rope_theta 500: its loss is the
 * cross-entropy of the inference graph's logits, and its gradient is that loss's derivative.
 */
class HalfRotaryTrainingGraphTest {
  private static final long[][] BATCH = {{4, 17, 33, 2, 39, 8, 11, 25}, {7, 5, 9, 21, 30, 7, 1, 3}};
  private static final String WQ = "decoder.dec_layers.0.mha1.wq.weight";

  private static ModelConfig config(RotaryLayout layout) {
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
            .setTensorOperator(TensorOperatorSpec.newBuilder().setName("learned"))
            .setRotaryLayout(layout)
            .setRopeTheta(500)
            .build(),
        "test");
  }

  @Test
  void trainingLossAndGradientAreTheInferenceGraphsCrossEntropyAndItsDerivative() {
    ModelSpec spec = Specs.of(config(RotaryLayout.HALF));
    Map<String, HostTensor> parameters;
    try (ModelGraph g = new ModelGraph(spec)) {
      parameters = g.initialValues(3);
    }
    LossAndGradients training = LossAndGradients.compute(spec, parameters, BATCH);

    // a direction in wq of layer 0, the map rotated before the metric tensor and attention
    HostTensor wq = parameters.get(WQ);
    SplittableRandom random = new SplittableRandom(4);
    double[] direction = new double[wq.size()];
    double slope = 0;
    for (int i = 0; i < direction.length; i++) {
      direction[i] = random.nextDouble(-1, 1);
      slope += direction[i] * training.gradients().get(WQ).get(i);
    }
    double eps = 1e-6; // truncation ~4e-8 here (4e-6 at 1e-5), rounding ~4e-10
    double[] losses = new double[3];
    try (ModelGraph inference = new ModelGraph(spec, GraphMode.INFERENCE)) {
      long[][] inputs = new long[BATCH.length][];
      for (int b = 0; b < BATCH.length; b++) {
        inputs[b] = Arrays.copyOf(BATCH[b], BATCH[b].length - 1);
      }
      PldrDecoder.Outputs out = inference.decoder().forward(inference.tf().constant(inputs));
      try (Session s = inference.openSession()) {
        for (int k = 0; k < 3; k++) {
          double step = (k - 1) * eps; // 0: −ε, 1: at the parameters, 2: +ε
          double[] moved = wq.toDoubleArray();
          for (int i = 0; i < moved.length; i++) {
            moved[i] += step * direction[i];
          }
          Map<String, HostTensor> values = new LinkedHashMap<>(parameters);
          values.put(WQ, HostTensor.wrap(wq.dtype(), wq.shape(), moved));
          inference.assign(s, values, "test values");
          try (Result r = s.runner().fetch(out.logits()).run()) {
            losses[k] = crossEntropy(HostTensors.fromTensor(r.get(0)), spec.config());
          }
        }
      }
    }
    double difference = (losses[2] - losses[0]) / (2 * eps);
    System.out.printf(
        "HALF training loss %.15f vs inference cross-entropy %.15f; wq slope %.9e vs central"
            + " difference %.9e%n",
        training.loss(), losses[1], slope, difference);
    assertThat(Math.abs(training.loss() - losses[1])).isLessThanOrEqualTo(1e-12);
    assertThat(Math.abs(slope)).isGreaterThan(1e-4);
    assertThat(Math.abs(slope - difference)).isLessThanOrEqualTo(1e-6 * Math.abs(slope));

    // the training graph does rotate by the layout: the interleaved model's loss is another one
    double interleaved =
        LossAndGradients.compute(Specs.of(config(RotaryLayout.INTERLEAVED)), parameters, BATCH)
            .loss();
    assertThat(Math.abs(interleaved - training.loss())).isGreaterThan(1e-6);
  }

  /** Next-token cross-entropy of {@code logits [B, T, V]} against BATCH's targets (no padding). */
  private static double crossEntropy(HostTensor logits, ModelConfig config) {
    int vocab = config.getVocabSize();
    int length = BATCH[0].length - 1;
    double sum = 0;
    for (int b = 0; b < BATCH.length; b++) {
      for (int t = 0; t < length; t++) {
        int row = (b * length + t) * vocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
          max = Math.max(max, logits.get(row + v));
        }
        double z = 0;
        for (int v = 0; v < vocab; v++) {
          z += Math.exp(logits.get(row + v) - max);
        }
        sum -= logits.get(row + (int) BATCH[b][t + 1]) - max - Math.log(z);
      }
    }
    return sum / (BATCH.length * length);
  }
}

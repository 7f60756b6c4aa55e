package io.pldr.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.api.tensor.Tensor;
import io.pldr.api.tensor.TensorOps;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract every tensor operator passes, built-in or a user's: extend it with the operator's
 * provider and a backend's {@link OperatorHarness} (pldr-api's test-jar). It checks the shapes of
 * A_LM and G_LM, determinism, finite values and gradients, and that a constant operator does not
 * depend on its input (so cached and uncached runs agree).
 */
public abstract class TensorOperatorContract {
  /** Batch, heads and depth of the metric tensors the contract feeds. */
  protected static final int B = 2;

  protected static final int H = 2;
  protected static final int D = 8;

  /** The operator under test. */
  protected abstract TensorOperatorProvider provider();

  /** A backend harness in the given precision. */
  protected abstract OperatorHarness harness(DType dtype);

  /** The model the operator is built for; override to set operator options. */
  protected ModelConfig config() {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(1)
            .setDModel(H * D)
            .setNumHeads(H)
            .setDff(24)
            .setVocabSize(16)
            .setADff(6)
            .setNumReslayerA(1)
            .setNumDenseA(1)
            .setMaxSeqLen(8)
            .setTensorOperator(
                io.pldr.api.config.TensorOperatorSpec.newBuilder().setName(provider().name()))
            .build(),
        "contract");
  }

  private DeductiveOutputs deduce(TensorOps ops, TensorOperator op, long seed) {
    if (!op.usesMetric()) {
      return op.deduce(null);
    }
    Random r = new Random(seed);
    double[] a = new double[B * H * D * D];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    return op.deduce(op.refine(ops.constant(Shape.of(B, H, D, D), a)));
  }

  private TensorOperator create(TensorOps ops) {
    return provider().create(new OperatorContext(0, config(), ops, "decoder.dec_layers.0.mha1"));
  }

  @Test
  void deductiveOutputsHaveOneSquareMatrixPerHead() {
    try (OperatorHarness h = harness(DType.FLOAT32)) {
      DeductiveOutputs d = deduce(h.ops(), create(h.ops()), 1);
      for (HostTensor t : new HostTensor[] {h.eval(d.aLm()), h.eval(d.gLm())}) {
        long[] dims = t.shape().dims();
        assertThat(dims).hasSize(4);
        assertThat(dims[0]).isIn(1L, (long) B);
        assertThat(dims[1]).isEqualTo(H);
        assertThat(dims[2]).isEqualTo(D);
        assertThat(dims[3]).isEqualTo(D);
        assertThat(Double.isFinite(t.maxAbs())).isTrue();
      }
    }
  }

  @Test
  void theSameInputGivesTheSameOutput() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      TensorOperator op = create(h.ops());
      HostTensor first = h.eval(deduce(h.ops(), op, 3).gLm());
      HostTensor second = h.eval(deduce(h.ops(), op, 3).gLm());
      assertThat(first.maxAbsDiff(second)).isZero();
    }
  }

  @Test
  void aConstantOperatorDoesNotDependOnItsInput() {
    try (OperatorHarness h = harness(DType.FLOAT64)) {
      TensorOperator op = create(h.ops());
      HostTensor a = h.eval(deduce(h.ops(), op, 5).gLm());
      HostTensor b = h.eval(deduce(h.ops(), op, 6).gLm());
      if (op.usesMetric()) {
        assertThat(a.maxAbsDiff(b)).as("a learned operator reads its input").isGreaterThan(0);
      } else {
        assertThat(a.maxAbsDiff(b)).isZero();
      }
    }
  }

  @Test
  void gradientsThroughTheOperatorAreFinite() {
    try (OperatorHarness h = harness(DType.FLOAT32)) {
      TensorOps ops = h.ops();
      DeductiveOutputs d = deduce(ops, create(ops), 7);
      Tensor loss = ops.sum(ops.reshape(ops.mul(d.gLm(), d.gLm()), -1), 0, false);
      assertThat(h.finiteGradients(loss)).isTrue();
    }
  }
}

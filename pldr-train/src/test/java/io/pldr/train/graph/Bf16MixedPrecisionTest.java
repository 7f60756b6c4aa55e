package io.pldr.train.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pldr.api.config.Precision;
import io.pldr.api.config.TrainPrecision;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.testing.Specs;
import io.pldr.train.loop.TrainingSession;
import io.pldr.train.optim.AdamW;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DataType;

/**
 * bfloat16 mixed precision: the matrix products of the forward and backward passes are bfloat16
 * while variables, optimiser state and the loss stay float32, and training follows the float32 run
 * closely.
 */
class Bf16MixedPrecisionTest {
  private static final long[][] BATCH_1 = {{3, 5, 7, 9, 11, 2, 4, 6}, {4, 6, 8, 10, 12, 13, 1, 3}};
  private static final long[][] BATCH_2 = {{13, 2, 5, 7, 1, 4, 9, 9}, {9, 9, 4, 3, 2, 8, 5, 7}};

  private static TrainingGraph graph(Precision model, TrainPrecision precision) {
    return new TrainingGraph(
        Specs.of(TinyModel.config(2, model)),
        new TrainingGraph.Clip.ByValue(1.0),
        new AdamW.Settings(0.9, 0.95, 1e-5, 0.1),
        1,
        Optional.empty(),
        precision);
  }

  private static List<GraphOperation> ops(TrainingGraph g, String... types) {
    List<String> wanted = List.of(types);
    List<GraphOperation> found = new ArrayList<>();
    Iterator<GraphOperation> it = g.model().graph().operations();
    while (it.hasNext()) {
      GraphOperation op = it.next();
      if (wanted.contains(op.type())) {
        found.add(op);
      }
    }
    return found;
  }

  /** The element type of a matrix product node. */
  private static DataType productType(GraphOperation op) {
    return op.attributes().getAttrType(op.type().equals("BatchMatMulV3") ? "Ta" : "T");
  }

  private static final String[] PRODUCTS = {
    "MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"
  };

  @Test
  void everyMatrixProductIsBfloat16AndEveryVariableFloat32() {
    TrainingGraph g = graph(Precision.FLOAT32, TrainPrecision.BF16_MIXED);
    try (ModelGraph model = g.model()) {
      assertThat(model.dtype()).isEqualTo(DType.FLOAT32);
      List<GraphOperation> products = ops(g, PRODUCTS);
      // forward (linear maps, attention, metric learner, final layer) and their gradients
      assertThat(products).hasSizeGreaterThan(40);
      assertThat(products)
          .allSatisfy(
              op -> assertThat(productType(op)).as(op.name()).isEqualTo(DataType.DT_BFLOAT16));
      assertThat(ops(g, "MatMul")).isNotEmpty();
      assertThat(ops(g, "BatchMatMulV3", "BatchMatMulV2", "BatchMatMul")).isNotEmpty();
      List<GraphOperation> variables = ops(g, "VariableV2");
      assertThat(variables).isNotEmpty();
      assertThat(variables)
          .allSatisfy(
              op ->
                  assertThat(op.attributes().getAttrType("dtype"))
                      .as(op.name())
                      .isEqualTo(DataType.DT_FLOAT));
      assertThat(g.loss().type()).isEqualTo(org.tensorflow.types.TFloat32.class);
    }
    TrainingGraph f = graph(Precision.FLOAT32, TrainPrecision.MODEL_DTYPE);
    try (ModelGraph model = f.model()) {
      assertThat(model.ops().bf16Products()).isFalse();
      assertThat(ops(f, PRODUCTS))
          .allSatisfy(op -> assertThat(productType(op)).isEqualTo(DataType.DT_FLOAT));
      assertThat(ops(f, "Cast"))
          .noneMatch(op -> op.attributes().getAttrType("DstT") == DataType.DT_BFLOAT16);
    }
  }

  private record Run(
      double[] losses, Map<String, HostTensor> parameters, Map<String, HostTensor> state) {}

  private static Run train(TrainPrecision precision) {
    TrainingGraph g = graph(Precision.FLOAT32, precision);
    try (TrainingSession s = new TrainingSession(g)) {
      s.load(g.model().initialValues(7), null);
      double[] losses = new double[8];
      for (int i = 0; i < losses.length; i++) {
        losses[i] = s.step(new long[][][] {i % 2 == 0 ? BATCH_1 : BATCH_2}, 1e-2).loss();
      }
      return new Run(losses, s.parameters(), s.optimizerState());
    }
  }

  @Test
  void trainingFollowsTheFloat32RunWithFloat32WeightsAndState() {
    Run f32 = train(TrainPrecision.MODEL_DTYPE);
    Run bf16 = train(TrainPrecision.BF16_MIXED);
    // the first step's loss comes from the same weights: only the products' rounding differs.
    // bfloat16 keeps 8 significant bits, each operand is rounded by up to 2^-9 ≈ 0.2% relative,
    // and a loss of ln(20) ≈ 3 moved by 0.0095 here; 0.03 (1%) allows that with margin while a
    // wrong product (a transposed or dropped operand) moves it by far more
    assertThat(bf16.losses()[0]).isCloseTo(f32.losses()[0], within(0.03));
    // yet the products really are rounded: the losses are not the float32 ones
    assertThat(bf16.losses()[0]).isNotEqualTo(f32.losses()[0]);
    // later steps drift further: AdamW divides each gradient element by its own magnitude, so
    // rounding that flips a near-zero gradient's sign moves that weight by 2·lr; the trajectories
    // (3.57 → 1.65 in both here, up to 0.29 apart on the way) must end within 0.15
    int last = f32.losses().length - 1;
    assertThat(bf16.losses()[last]).isCloseTo(f32.losses()[last], within(0.15));
    // and bfloat16 training lowers the loss on the two batches it repeats, step over step
    for (int i = 2; i <= last; i++) {
      assertThat(bf16.losses()[i]).as("step " + i).isLessThan(bf16.losses()[i - 2]);
    }
    assertThat(bf16.losses()[last]).isLessThan(bf16.losses()[0] - 1.0);
    assertThat(bf16.parameters().keySet()).isEqualTo(f32.parameters().keySet());
    assertThat(bf16.parameters().values()).allMatch(t -> t.dtype() == DType.FLOAT32);
    assertThat(bf16.state()).isNotEmpty();
    assertThat(bf16.state().values()).allMatch(t -> t.dtype() == DType.FLOAT32);
    // AdamW moves each weight by at most about lr per step: 8 steps of 1e-2 (plus weight decay)
    // keep the two runs' weights within 2·8·lr of each other
    for (String name : f32.parameters().keySet()) {
      assertThat(bf16.parameters().get(name).maxAbsDiff(f32.parameters().get(name)))
          .as(name)
          .isLessThan(0.17);
    }
  }

  @Test
  void aFloat64ModelIsRefused() {
    assertThatThrownBy(() -> graph(Precision.FLOAT64, TrainPrecision.BF16_MIXED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("float32 model")
        .hasMessageContaining("FLOAT64");
  }
}

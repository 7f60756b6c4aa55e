package io.pldr.tf.ops;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The graph operations of reduced-precision weights ({@link io.pldr.api.model.WeightFormat}) on
 * TensorFlow's oneDNN kernels, which the Java API does not name: the fused bfloat16 product that
 * keeps its weights reordered for the CPU ({@code _MklNativeFusedMatMul}), the int8 product with
 * per-channel weight scales and float32 output ({@code _QuantizedMatMul}), and int8 tensors, which
 * the Java API has no type for: they are stored as uint8 and reinterpreted ({@code Bitcast}).
 *
 * <p>A product built with {@code cachedWeights} declares its weight constant: oneDNN then reorders
 * it into its blocked layout once, on the first run, and keeps that copy for the node's lifetime
 * (one more copy of the weight per node). Without, the reorder runs on every call, which a product
 * over many rows (a prompt pass) amortises.
 */
final class ReducedProducts {
  private static final long INT8_MAX = 127;

  private ReducedProducts() {}

  /** {@code x [R, in]·w [in, out]} with bfloat16 weights, in float32. */
  static Operand<TFloat32> bf16(
      Ops tf, Operand<TFloat32> x, Operand<TBfloat16> w, int out, boolean cachedWeights) {
    if (!cachedWeights) {
      return tf.linalg.matMul(x, tf.dtypes.cast(w, TFloat32.class));
    }
    Operand<TBfloat16> zero =
        tf.dtypes.cast(tf.zeros(tf.constant(new int[] {out}), TFloat32.class), TBfloat16.class);
    Output<TBfloat16> y =
        tf.scope()
            .env()
            .opBuilder("_MklNativeFusedMatMul", tf.scope().makeOpName("Bf16Product"), tf.scope())
            .addInput(tf.dtypes.cast(x, TBfloat16.class).asOutput())
            .addInput(w.asOutput())
            .addInputList(new Output<?>[] {zero.asOutput()})
            .setAttr("T", DataType.DT_BFLOAT16)
            .setAttr("num_args", 1L)
            .setAttr("fused_ops", new String[] {"BiasAdd"})
            .setAttr("is_filter_const", true)
            .setAttr("_kernel", "MklNameChangeOp")
            .build()
            .output(0);
    return tf.dtypes.cast(y, TFloat32.class);
  }

  /**
   * {@code x [R, in]·w [in, out] + bias} with int8 weights {@code w} (stored as uint8) whose column
   * j is scaled by {@code wmax[j] / 127} ({@code wmin = −wmax}): x is quantized to int8 with one
   * scale, its largest magnitude over 127, and the int32 sums are scaled back to float32. The
   * quantized range is symmetric: with narrow range, QuantizeV2 returns −m and m, the range the
   * product reads.
   */
  static Operand<TFloat32> int8(
      Ops tf,
      Operand<TFloat32> x,
      Operand<TUint8> w,
      Operand<TFloat32> wmin,
      Operand<TFloat32> wmax,
      Operand<TFloat32> bias,
      boolean cachedWeights) {
    // SCALED quantization takes the larger magnitude of min and max as its range (QuantizeV2
    // widens a range under 0.01 to 0.01, so an all-zero input is quantized, to zeros)
    Operand<TInt32> all = tf.constant(new int[] {0, 1});
    var quantized =
        tf.scope()
            .env()
            .opBuilder("QuantizeV2", tf.scope().makeOpName("QuantizeInput"), tf.scope())
            .addInput(x.asOutput())
            .addInput(tf.min(x, all).asOutput())
            .addInput(tf.max(x, all).asOutput())
            .setAttr("T", DataType.DT_QINT8)
            .setAttr("mode", "SCALED")
            .setAttr("narrow_range", true)
            .setAttr("round_mode", "HALF_TO_EVEN")
            .build();
    return tf.scope()
        .env()
        .opBuilder("_QuantizedMatMul", tf.scope().makeOpName("Int8Product"), tf.scope())
        .addInputList(
            new Output<?>[] {
              quantized.output(0), bitcast(tf, w, DataType.DT_QINT8), bias.asOutput()
            })
        .addInputList(
            new Output<?>[] {
              quantized.output(1), quantized.output(2), wmin.asOutput(), wmax.asOutput()
            })
        .setAttr(
            "Tdevice_inputs",
            new DataType[] {DataType.DT_QINT8, DataType.DT_QINT8, DataType.DT_FLOAT})
        .setAttr(
            "Thost_inputs",
            new DataType[] {
              DataType.DT_FLOAT, DataType.DT_FLOAT, DataType.DT_FLOAT, DataType.DT_FLOAT
            })
        .setAttr("Tdevice_outputs", new DataType[] {DataType.DT_FLOAT})
        .setAttr("Thost_outputs", new DataType[0])
        .setAttr("T1", DataType.DT_QINT8)
        .setAttr("T2", DataType.DT_QINT8)
        .setAttr("Tbias", DataType.DT_FLOAT)
        .setAttr("Tout", DataType.DT_FLOAT)
        .setAttr("U", DataType.DT_FLOAT)
        .setAttr("is_weight_const", cachedWeights)
        .setAttr("is_bias_const", true)
        .setAttr("fused_ops", new String[] {"BiasAdd", "Dequantize"})
        .setAttr("input_quant_mode", "SCALED")
        .setAttr("output_quant_mode", "SCALED")
        .build()
        .output(0);
  }

  /** The largest magnitude of each row of {@code w [rows, cols]}, at least the smallest normal. */
  static Operand<TFloat32> rowRange(Ops tf, Operand<TFloat32> w) {
    return tf.math.maximum(tf.max(tf.math.abs(w), tf.constant(1)), tf.constant(Float.MIN_NORMAL));
  }

  /**
   * {@code w [rows, cols]} as int8 (stored as uint8), each row scaled by {@code range[row] / 127}:
   * symmetric, rounded to nearest even.
   */
  static Operand<TUint8> quantizeRows(Ops tf, Operand<TFloat32> w, Operand<TFloat32> range) {
    Operand<TFloat32> scale =
        tf.expandDims(tf.math.div(range, tf.constant((float) INT8_MAX)), tf.constant(1));
    Operand<TFloat32> q =
        tf.clipByValue(
            tf.math.rint(tf.math.div(w, scale)),
            tf.constant((float) -INT8_MAX),
            tf.constant((float) INT8_MAX));
    Output<?> int8 =
        tf.scope()
            .env()
            .opBuilder("Cast", tf.scope().makeOpName("ToInt8"), tf.scope())
            .addInput(q.asOutput())
            .setAttr("SrcT", DataType.DT_FLOAT)
            .setAttr("DstT", DataType.DT_INT8)
            .build()
            .output(0);
    return bitcastOutput(tf, int8, DataType.DT_UINT8);
  }

  /** int8 values stored as uint8, to float32, times {@code scale} (broadcast). */
  static Operand<TFloat32> dequantize(Ops tf, Operand<TUint8> q, Operand<TFloat32> scale) {
    Output<?> int8 = bitcast(tf, q, DataType.DT_INT8);
    Output<TFloat32> f =
        tf.scope()
            .env()
            .opBuilder("Cast", tf.scope().makeOpName("FromInt8"), tf.scope())
            .addInput(int8)
            .setAttr("SrcT", DataType.DT_INT8)
            .setAttr("DstT", DataType.DT_FLOAT)
            .build()
            .output(0);
    return tf.math.mul(f, scale);
  }

  /** {@code range / 127}: the scale of int8 values quantized with that range. */
  static Operand<TFloat32> scaleOf(Ops tf, Operand<TFloat32> range) {
    return tf.math.div(range, tf.constant((float) INT8_MAX));
  }

  private static Output<?> bitcast(Ops tf, Operand<?> x, DataType type) {
    return bitcastOutput(tf, x.asOutput(), type);
  }

  private static <T extends org.tensorflow.types.family.TType> Output<T> bitcastOutput(
      Ops tf, Output<?> x, DataType type) {
    return tf.scope()
        .env()
        .opBuilder("Bitcast", tf.scope().makeOpName("Bitcast"), tf.scope())
        .addInput(x)
        .setAttr("type", type)
        .build()
        .output(0);
  }
}

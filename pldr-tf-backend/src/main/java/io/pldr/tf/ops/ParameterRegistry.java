package io.pldr.tf.ops;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.model.WeightFormat;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TIntegral;
import org.tensorflow.types.family.TType;

/** The parameters of one graph, in the order the model created them, by global name. */
public final class ParameterRegistry {
  private final Ops tf;
  private final DType dtype;
  private final GraphMode mode;
  private final WeightFormat weights;
  private boolean cachedWeights;
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final List<Op> preloads = new ArrayList<>();

  /** A registry for a training graph. */
  public ParameterRegistry(Ops tf, DType dtype) {
    this(tf, dtype, GraphMode.TRAINING);
  }

  /** A registry whose parameters are read as {@code mode} needs. */
  public ParameterRegistry(Ops tf, DType dtype, GraphMode mode) {
    this(tf, dtype, mode, WeightFormat.FLOAT32);
  }

  /**
   * A registry whose matrices ({@link #packedLinear}, {@link #embedding}) are stored in {@code
   * weights}; a reduced format needs an inference graph of a float32 model.
   */
  public ParameterRegistry(Ops tf, DType dtype, GraphMode mode, WeightFormat weights) {
    if (weights.reduced() && dtype != DType.FLOAT32) {
      throw new IllegalArgumentException(
          "weights "
              + weights.id()
              + " need a float32 model; this model is "
              + dtype.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (weights.reduced() && mode != GraphMode.INFERENCE) {
      throw new IllegalArgumentException(
          "weights " + weights.id() + " are for inference graphs, not " + mode);
    }
    this.tf = tf;
    this.dtype = dtype;
    this.mode = mode;
    this.weights = weights;
  }

  /** How the matrices are stored. */
  public WeightFormat weights() {
    return weights;
  }

  /**
   * Whether the products of reduced weights built from now on keep oneDNN's reordered copy of their
   * weights (one more copy per product node, reordered once): right for graphs that run a few rows
   * at a time, such as decoding steps; a prompt pass over many rows amortises the reorder instead.
   * Returns the previous setting.
   */
  public boolean cachedWeights(boolean cached) {
    boolean previous = cachedWeights;
    cachedWeights = cached;
    return previous;
  }

  /** Creates a parameter; a name can be taken once. */
  public Parameter create(String name, Shape shape, Initializer initializer) {
    Class<? extends TFloating> type = TfTypes.floating(dtype);
    org.tensorflow.ndarray.Shape tfShape = TfTypes.shape(shape);
    Variable<? extends TFloating> variable = tf.withName(name).variable(tfShape, type);
    Placeholder<? extends TFloating> feed =
        tf.withName(name + "_feed").placeholder(type, Placeholder.shape(tfShape));
    Assign<? extends TFloating> assign = assign(name, variable, feed);
    Operand<? extends TFloating> read = read(name, variable);
    return register(
        new Parameter(
            new ParameterSpec(name, shape, dtype),
            initializer,
            variable,
            read,
            variable,
            feed,
            assign));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Operand<? extends TFloating> read(String name, Variable variable) {
    return mode.read(tf, name, variable);
  }

  private Parameter register(Parameter p) {
    if (parameters.containsKey(p.spec().name())) {
      throw new IllegalStateException("parameter '" + p.spec().name() + "' is created twice");
    }
    parameters.put(p.spec().name(), p);
    return p;
  }

  /**
   * The weights of linear maps {@code y = x·Wᵀ + b} that read the same input, packed for inference
   * into one variable {@code [in, Σ out]} (transposed) and one bias {@code [Σ out]}: one matrix
   * product computes them all, on a weight laid out the way a product with one row reads it
   * fastest. Each part stays a parameter of its own ({@code part.weight [out, in]}, {@code
   * part.bias [out]}) for loading and reading; loading writes its slice of the packed variables,
   * which {@link #preloads()} first allocate.
   */
  public PackedLinear packedLinear(int in, List<PackedLinear.Part> parts) {
    return switch (weights) {
      case FLOAT32 -> floatPacked(in, parts);
      case BFLOAT16 -> bf16Packed(in, parts);
      case INT8 -> int8Packed(in, parts);
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private PackedLinear floatPacked(int in, List<PackedLinear.Part> parts) {
    Class<? extends TFloating> type = TfTypes.floating(dtype);
    int total = parts.stream().mapToInt(PackedLinear.Part::out).sum();
    String name = packedName(parts);
    List<Slot> slots = slots(in, parts);
    Variable weight =
        tf.withName(name + "_weight").variable(org.tensorflow.ndarray.Shape.of(in, total), type);
    preloads.add(allocate(weight, type, in, total));
    Variable<? extends TFloating> bias = packedBias(name, total);
    Operand<TInt32> transpose = tf.constant(new int[] {1, 0});
    for (Slot slot : slots) {
      Placeholder<? extends TFloating> feed = weightFeed(slot);
      Op load =
          sliceAssign(
              weight,
              new int[] {0, slot.begin()},
              new int[] {in, slot.end()},
              tf.linalg.transpose(feed, transpose));
      Operand<? extends TFloating> stored =
          tf.linalg.transpose(columns(weight, in, slot), transpose);
      registerWeight(slot, weight, stored, feed, load);
      registerBias(slot, bias);
    }
    return new PackedLinear() {
      @Override
      public <T extends TFloating> Operand<T> apply(Ops ops, Operand<T> x) {
        return ops.math.add(ops.linalg.matMul(x, (Operand<T>) weight), (Operand<T>) bias);
      }
    };
  }

  /** One packed part's place: its name, its columns [begin, end) and its weight's shape. */
  private record Slot(PackedLinear.Part part, int begin, int end, Shape weightShape) {}

  private static List<Slot> slots(int in, List<PackedLinear.Part> parts) {
    List<Slot> out = new ArrayList<>();
    int offset = 0;
    for (PackedLinear.Part part : parts) {
      out.add(new Slot(part, offset, offset + part.out(), Shape.of(part.out(), in)));
      offset += part.out();
    }
    return out;
  }

  private static String packedName(List<PackedLinear.Part> parts) {
    return parts.get(0).name() + (parts.size() > 1 ? ".packed" : ".transposed");
  }

  /** The placeholder of a part's weight, {@code [out, in]} in the model's type. */
  @SuppressWarnings("unchecked")
  private <T extends TFloating> Placeholder<T> weightFeed(Slot slot) {
    return tf.withName(slot.part().name() + ".weight_feed")
        .placeholder(
            (Class<T>) TfTypes.floating(dtype),
            Placeholder.shape(TfTypes.shape(slot.weightShape())));
  }

  /** The bias of a packed map in the model's type, {@code [Σ out]}, allocated by the preloads. */
  @SuppressWarnings("unchecked")
  private <T extends TFloating> Variable<T> packedBias(String name, int total) {
    Class<T> type = (Class<T>) TfTypes.floating(dtype);
    Variable<T> bias =
        tf.withName(name + "_bias").variable(org.tensorflow.ndarray.Shape.of(total), type);
    preloads.add(allocate(bias, type, total));
    return bias;
  }

  /** Registers a part's bias: its slice of the packed {@code bias}. */
  @SuppressWarnings("unchecked")
  private <T extends TFloating> void registerBias(Slot slot, Variable<T> bias) {
    Shape biasShape = Shape.of(slot.part().out());
    Placeholder<T> biasFeed =
        tf.withName(slot.part().name() + ".bias_feed")
            .placeholder(
                (Class<T>) TfTypes.floating(dtype), Placeholder.shape(TfTypes.shape(biasShape)));
    Operand<T> biasStored = slice(bias, new int[] {slot.begin()}, new int[] {slot.part().out()});
    register(
        new Parameter(
            new ParameterSpec(slot.part().name() + ".bias", biasShape, dtype),
            slot.part().bias(),
            bias,
            biasStored,
            biasStored,
            biasFeed,
            sliceAssign(bias, new int[] {slot.begin()}, new int[] {slot.end()}, biasFeed)));
  }

  /**
   * The columns of {@code slot}'s part in a packed weight {@code [rows, Σ out]}: {@code [in, out]}.
   */
  private <T extends TType> Operand<T> columns(Variable<T> weight, int in, Slot slot) {
    return slice(weight, new int[] {0, slot.begin()}, new int[] {in, slot.part().out()});
  }

  /** Registers a part's weight: read back as {@code stored}, loaded by {@code load}. */
  private void registerWeight(
      Slot slot,
      Variable<?> weight,
      Operand<? extends TFloating> stored,
      Placeholder<? extends TFloating> feed,
      Op load) {
    register(
        new Parameter(
            new ParameterSpec(slot.part().name() + ".weight", slot.weightShape(), dtype),
            slot.part().weight(),
            weight,
            stored,
            stored,
            feed,
            load));
  }

  private PackedLinear bf16Packed(int in, List<PackedLinear.Part> parts) {
    int total = parts.stream().mapToInt(PackedLinear.Part::out).sum();
    String name = packedName(parts);
    List<Slot> slots = slots(in, parts);
    int rows = paddedRows(in);
    Variable<TBfloat16> weight =
        tf.withName(name + "_weight")
            .variable(org.tensorflow.ndarray.Shape.of(rows, total), TBfloat16.class);
    preloads.add(allocatePadded(weight, TBfloat16.class, in, rows, total));
    Variable<TFloat32> bias = packedBias(name, total);
    Operand<TInt32> transpose = tf.constant(new int[] {1, 0});
    for (Slot slot : slots) {
      Placeholder<TFloat32> feed = weightFeed(slot);
      Op load =
          sliceAssign(
              weight,
              new int[] {0, slot.begin()},
              new int[] {in, slot.end()},
              tf.dtypes.cast(tf.linalg.transpose(feed, transpose), TBfloat16.class));
      Operand<TBfloat16> part = tf.linalg.transpose(columns(weight, in, slot), transpose);
      registerWeight(slot, weight, tf.dtypes.cast(part, TFloat32.class), feed, load);
      registerBias(slot, bias);
    }
    return new PackedLinear() {
      @Override
      @SuppressWarnings("unchecked")
      public <T extends TFloating> Operand<T> apply(Ops ops, Operand<T> x) {
        Operand<TFloat32> y =
            ReducedProducts.bf16(
                ops,
                padColumns(ops, (Operand<TFloat32>) x, in, rows),
                weight,
                total,
                cachedWeights);
        return (Operand<T>) ops.math.add(y, bias);
      }
    };
  }

  private PackedLinear int8Packed(int in, List<PackedLinear.Part> parts) {
    int total = parts.stream().mapToInt(PackedLinear.Part::out).sum();
    String name = packedName(parts);
    List<Slot> slots = slots(in, parts);
    int rows = paddedRows(in);
    Variable<TUint8> weight =
        tf.withName(name + "_weight")
            .variable(org.tensorflow.ndarray.Shape.of(rows, total), TUint8.class);
    // the columns' ranges: column j holds int8 values of scale wmax[j] / 127
    Variable<TFloat32> wmax =
        tf.withName(name + "_range")
            .variable(org.tensorflow.ndarray.Shape.of(total), TFloat32.class);
    Variable<TFloat32> wmin =
        tf.withName(name + "_negated_range")
            .variable(org.tensorflow.ndarray.Shape.of(total), TFloat32.class);
    preloads.add(allocatePadded(weight, TUint8.class, in, rows, total));
    preloads.add(allocate(wmax, TFloat32.class, total));
    preloads.add(allocate(wmin, TFloat32.class, total));
    Variable<TFloat32> bias = packedBias(name, total);
    Operand<TInt32> transpose = tf.constant(new int[] {1, 0});
    for (Slot slot : slots) {
      Placeholder<TFloat32> feed = weightFeed(slot);
      Operand<TFloat32> range = ReducedProducts.rowRange(tf, feed);
      Op load =
          group(
              sliceAssign(
                  weight,
                  new int[] {0, slot.begin()},
                  new int[] {in, slot.end()},
                  tf.linalg.transpose(ReducedProducts.quantizeRows(tf, feed, range), transpose)),
              sliceAssign(wmax, new int[] {slot.begin()}, new int[] {slot.end()}, range),
              sliceAssign(
                  wmin, new int[] {slot.begin()}, new int[] {slot.end()}, tf.math.neg(range)));
      Operand<TUint8> q = tf.linalg.transpose(columns(weight, in, slot), transpose);
      Operand<TFloat32> scale =
          tf.expandDims(
              ReducedProducts.scaleOf(
                  tf, slice(wmax, new int[] {slot.begin()}, new int[] {slot.part().out()})),
              tf.constant(1));
      registerWeight(slot, weight, ReducedProducts.dequantize(tf, q, scale), feed, load);
      registerBias(slot, bias);
    }
    return new PackedLinear() {
      @Override
      @SuppressWarnings("unchecked")
      public <T extends TFloating> Operand<T> apply(Ops ops, Operand<T> x) {
        return (Operand<T>)
            ReducedProducts.int8(
                ops,
                padColumns(ops, (Operand<TFloat32>) x, in, rows),
                weight,
                wmin,
                wmax,
                bias,
                cachedWeights);
      }
    };
  }

  /**
   * The token embedding {@code name [V, D]}, a parameter of that name, stored in the registry's
   * format: bfloat16, or int8 with one scale per row (per token).
   */
  public Embedding embedding(String name, Shape shape, Initializer initializer) {
    if (weights == WeightFormat.FLOAT32) {
      Operand<? extends TFloating> table = create(name, shape, initializer).value();
      return new Embedding() {
        @Override
        @SuppressWarnings("unchecked")
        public <T extends TFloating> Operand<T> lookup(Ops ops, Operand<? extends TIntegral> ids) {
          return ops.gather((Operand<T>) table, ids, ops.constant(0));
        }
      };
    }
    org.tensorflow.ndarray.Shape tfShape = TfTypes.shape(shape);
    Placeholder<TFloat32> feed =
        tf.withName(name + "_feed").placeholder(TFloat32.class, Placeholder.shape(tfShape));
    ParameterSpec spec = new ParameterSpec(name, shape, dtype);
    if (weights == WeightFormat.BFLOAT16) {
      Variable<TBfloat16> table = tf.withName(name).variable(tfShape, TBfloat16.class);
      Operand<TFloat32> stored = tf.dtypes.cast(table, TFloat32.class);
      register(
          new Parameter(
              spec,
              initializer,
              table,
              stored,
              stored,
              feed,
              tf.withName(name + "_assign").assign(table, tf.dtypes.cast(feed, TBfloat16.class))));
      return new Embedding() {
        @Override
        @SuppressWarnings("unchecked")
        public <T extends TFloating> Operand<T> lookup(Ops ops, Operand<? extends TIntegral> ids) {
          return (Operand<T>)
              ops.dtypes.cast(ops.gather(table, ids, ops.constant(0)), TFloat32.class);
        }
      };
    }
    Variable<TUint8> table = tf.withName(name).variable(tfShape, TUint8.class);
    Variable<TFloat32> scale =
        tf.withName(name + "_scale")
            .variable(org.tensorflow.ndarray.Shape.of(shape.dim(0)), TFloat32.class);
    Operand<TFloat32> range = ReducedProducts.rowRange(tf, feed);
    Op load =
        group(
            tf.assign(table, ReducedProducts.quantizeRows(tf, feed, range)),
            tf.assign(scale, ReducedProducts.scaleOf(tf, range)));
    Operand<TFloat32> stored =
        ReducedProducts.dequantize(tf, table, tf.expandDims(scale, tf.constant(1)));
    register(new Parameter(spec, initializer, table, stored, stored, feed, load));
    return new Embedding() {
      @Override
      @SuppressWarnings("unchecked")
      public <T extends TFloating> Operand<T> lookup(Ops ops, Operand<? extends TIntegral> ids) {
        Operand<TFloat32> rowScale =
            ops.expandDims(ops.gather(scale, ids, ops.constant(0)), ops.constant(-1));
        return (Operand<T>)
            ReducedProducts.dequantize(ops, ops.gather(table, ids, ops.constant(0)), rowScale);
      }
    };
  }

  /**
   * The rows of a reduced weight: its input width rounded up to a multiple of 4. oneDNN's blocked
   * bfloat16 and int8 layouts group 2 and 4 input channels, and a remainder group gave wrong sums
   * (TensorFlow 2.18: up to 12% off for an odd width); zero rows and zero input columns keep the
   * product exact.
   */
  private static int paddedRows(int in) {
    return (in + 3) / 4 * 4;
  }

  /** {@code x [R, in]} with {@code rows − in} zero columns appended. */
  private static Operand<TFloat32> padColumns(Ops ops, Operand<TFloat32> x, int in, int rows) {
    if (rows == in) {
      return x;
    }
    return ops.pad(x, ops.constant(new int[][] {{0, 0}, {0, rows - in}}), ops.constant(0f));
  }

  /** Allocates a weight; its padding rows (beyond {@code in}) are zero, the rest left to loads. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op allocatePadded(
      Variable variable, Class<? extends TType> type, int in, int rows, int cols) {
    if (rows == in) {
      return allocate(variable, type, rows, cols);
    }
    return tf.assign(variable, tf.zeros(tf.constant(new int[] {rows, cols}), (Class) type));
  }

  private Op group(Op... ops) {
    return tf.withControlDependencies(List.of(ops)).noOp();
  }

  // Uninitialised memory (Empty, which Assign takes over without a copy): every element is written
  // by a part's slice assignment right after, in the same load.
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op allocate(Variable variable, Class<? extends TType> type, int... shape) {
    return tf.assign(variable, tf.empty(tf.constant(shape), (Class) type));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op sliceAssign(Variable variable, int[] begin, int[] end, Operand value) {
    int[] strides = new int[begin.length];
    java.util.Arrays.fill(strides, 1);
    return tf.stridedSliceAssign(
        variable, tf.constant(begin), tf.constant(end), tf.constant(strides), value);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private <T extends TType> Operand<T> slice(Variable<T> variable, int[] begin, int[] size) {
    return tf.slice(variable, tf.constant(begin), tf.constant(size));
  }

  /**
   * What loading runs before the parameters' own assignments: allocating the packed variables (a
   * slice can only be written into an initialised variable), without filling them, since the parts'
   * assignments write every element.
   */
  public List<Op> preloads() {
    return Collections.unmodifiableList(preloads);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Assign<? extends TFloating> assign(String name, Variable variable, Placeholder feed) {
    return tf.withName(name + "_assign").assign(variable, feed);
  }

  /** Every parameter, in creation order. */
  public Map<String, Parameter> all() {
    return Collections.unmodifiableMap(parameters);
  }

  /** The model's floating-point type. */
  public DType dtype() {
    return dtype;
  }

  /** Whether the graph is differentiated. */
  public GraphMode mode() {
    return mode;
  }
}

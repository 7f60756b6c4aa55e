package io.pldr.tf.ops;

import io.pldr.api.model.ParameterSpec;
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
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/** The parameters of one graph, in the order the model created them, by global name. */
public final class ParameterRegistry {
  private final Ops tf;
  private final DType dtype;
  private final GraphMode mode;
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final List<Op> preloads = new ArrayList<>();

  /** A registry for a training graph. */
  public ParameterRegistry(Ops tf, DType dtype) {
    this(tf, dtype, GraphMode.TRAINING);
  }

  /** A registry whose parameters are read as {@code mode} needs. */
  public ParameterRegistry(Ops tf, DType dtype, GraphMode mode) {
    this.tf = tf;
    this.dtype = dtype;
    this.mode = mode;
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
    Class<? extends TFloating> type = TfTypes.floating(dtype);
    int total = parts.stream().mapToInt(PackedLinear.Part::out).sum();
    String name = parts.get(0).name() + (parts.size() > 1 ? ".packed" : ".transposed");
    Variable<? extends TFloating> weight =
        tf.withName(name + "_weight").variable(org.tensorflow.ndarray.Shape.of(in, total), type);
    Variable<? extends TFloating> bias =
        tf.withName(name + "_bias").variable(org.tensorflow.ndarray.Shape.of(total), type);
    preloads.add(allocate(weight, type, in, total));
    preloads.add(allocate(bias, type, total));
    int offset = 0;
    for (PackedLinear.Part part : parts) {
      int end = offset + part.out();
      Shape weightShape = Shape.of(part.out(), in);
      Placeholder<? extends TFloating> feed =
          tf.withName(part.name() + ".weight_feed")
              .placeholder(type, Placeholder.shape(TfTypes.shape(weightShape)));
      Operand<TInt32> transpose = tf.constant(new int[] {1, 0});
      Op load =
          sliceAssign(
              weight,
              new int[] {0, offset},
              new int[] {in, end},
              tf.linalg.transpose(feed, transpose));
      Operand<? extends TFloating> stored =
          tf.linalg.transpose(
              slice(weight, new int[] {0, offset}, new int[] {in, part.out()}), transpose);
      register(
          new Parameter(
              new ParameterSpec(part.name() + ".weight", weightShape, dtype),
              part.weight(),
              weight,
              stored,
              stored,
              feed,
              load));
      Shape biasShape = Shape.of(part.out());
      Placeholder<? extends TFloating> biasFeed =
          tf.withName(part.name() + ".bias_feed")
              .placeholder(type, Placeholder.shape(TfTypes.shape(biasShape)));
      Operand<? extends TFloating> biasStored =
          slice(bias, new int[] {offset}, new int[] {part.out()});
      register(
          new Parameter(
              new ParameterSpec(part.name() + ".bias", biasShape, dtype),
              part.bias(),
              bias,
              biasStored,
              biasStored,
              biasFeed,
              sliceAssign(bias, new int[] {offset}, new int[] {end}, biasFeed)));
      offset = end;
    }
    return new PackedLinear(weight, bias);
  }

  // Uninitialised memory (Empty, which Assign takes over without a copy): every element is written
  // by a part's slice assignment right after, in the same load.
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Op allocate(Variable variable, Class<? extends TFloating> type, int... shape) {
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
  private Operand<? extends TFloating> slice(Variable variable, int[] begin, int[] size) {
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

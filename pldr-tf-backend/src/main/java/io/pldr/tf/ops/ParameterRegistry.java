package io.pldr.tf.ops;

import io.pldr.api.model.ParameterSpec;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TFloating;

/** The parameters of one graph, in the order the model created them, by global name. */
public final class ParameterRegistry {
  private final Ops tf;
  private final DType dtype;
  private final GraphMode mode;
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();

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
    if (parameters.containsKey(name)) {
      throw new IllegalStateException("parameter '" + name + "' is created twice");
    }
    Class<? extends TFloating> type = TfTypes.floating(dtype);
    org.tensorflow.ndarray.Shape tfShape = TfTypes.shape(shape);
    Variable<? extends TFloating> variable = tf.withName(name).variable(tfShape, type);
    Placeholder<? extends TFloating> feed =
        tf.withName(name + "_feed").placeholder(type, Placeholder.shape(tfShape));
    Assign<? extends TFloating> assign = assign(name, variable, feed);
    Operand<? extends TFloating> read = mode == GraphMode.TRAINING
        ? tf.withName(name + "_read").identity(variable) : variable;
    Parameter p = new Parameter(new ParameterSpec(name, shape, dtype), initializer, variable,
        read, feed, assign);
    parameters.put(name, p);
    return p;
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

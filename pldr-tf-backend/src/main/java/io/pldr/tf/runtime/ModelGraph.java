package io.pldr.tf.runtime;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.config.TrainPrecision;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.model.ParameterSpec;
import io.pldr.api.model.WeightFormat;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.model.Layout;
import io.pldr.tf.model.PldrDecoder;
import io.pldr.tf.ops.GraphMode;
import io.pldr.tf.ops.Initializers;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * A graph holding one PLDR-LLM's parameters and decoder, to which inference ({@link TfPldrModel})
 * or training adds its own inputs and outputs before opening a session. Also loads and reads
 * parameter values through a session.
 */
public final class ModelGraph implements AutoCloseable {
  private final ModelConfig config;
  private final DType dtype;
  private final Graph graph;
  private final TfTensorOps ops;
  private final PldrDecoder decoder;

  /** A training graph (differentiable). */
  public ModelGraph(ModelSpec spec) {
    this(spec, GraphMode.TRAINING);
  }

  /**
   * A graph for {@code mode}: an inference graph takes no gradient and has fewer nodes ({@link
   * Layout}).
   */
  public ModelGraph(ModelSpec spec, GraphMode mode) {
    this(spec, mode, TrainPrecision.MODEL_DTYPE);
  }

  /**
   * A training graph whose matrix products are computed in {@code precision} ({@link TfTensorOps});
   * the parameters keep the model's type.
   */
  public ModelGraph(ModelSpec spec, TrainPrecision precision) {
    this(spec, GraphMode.TRAINING, precision);
  }

  /** A graph for {@code mode} with matrix products in {@code precision}. */
  public ModelGraph(ModelSpec spec, GraphMode mode, TrainPrecision precision) {
    this(spec, mode, precision, WeightFormat.FLOAT32);
  }

  /**
   * An inference graph whose matrices are stored in {@code weights} ({@link ParameterRegistry});
   * fails, naming both, if the model cannot use that format (a float64 model).
   */
  public ModelGraph(ModelSpec spec, WeightFormat weights) {
    this(spec, GraphMode.INFERENCE, TrainPrecision.MODEL_DTYPE, weights);
  }

  private ModelGraph(
      ModelSpec spec, GraphMode mode, TrainPrecision precision, WeightFormat weights) {
    this.config = spec.config();
    this.dtype = config.getPrecision() == Precision.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      this.ops = new TfTensorOps(tf, new ParameterRegistry(tf, dtype, mode, weights), precision);
      this.decoder = new PldrDecoder(ops, spec, Layout.of(mode));
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  public ModelConfig config() {
    return config;
  }

  /** The model's floating-point type. */
  public DType dtype() {
    return dtype;
  }

  public Graph graph() {
    return graph;
  }

  /** The op builder of the graph. */
  public Ops tf() {
    return ops.tf();
  }

  /** The tensor algebra over the graph. */
  public TfTensorOps ops() {
    return ops;
  }

  /** The decoder, to build forward passes with. */
  public PldrDecoder decoder() {
    return decoder;
  }

  /** Every parameter, in creation order. */
  public Map<String, Parameter> parameters() {
    return ops.parameters().all();
  }

  /**
   * The parameters a model of {@code spec} holds, from a graph of its variables alone (no forward
   * pass, no session): what a checkpoint must hold, known before anything is built to run it.
   */
  public static Map<String, ParameterSpec> parameterSpecs(ModelSpec spec) {
    try (ModelGraph g = new ModelGraph(spec)) {
      return g.parameterSpecs();
    }
  }

  /** Every parameter's spec, in creation order. */
  public Map<String, ParameterSpec> parameterSpecs() {
    Map<String, ParameterSpec> specs = new LinkedHashMap<>();
    parameters().forEach((name, p) -> specs.put(name, p.spec()));
    return Collections.unmodifiableMap(specs);
  }

  /** A session on this graph with the process's one session configuration. */
  public Session openSession() {
    return new Session(graph, SessionConfigs.standard());
  }

  /** A session on this graph with another configuration (see {@link SessionConfigs}). */
  public Session openSession(org.tensorflow.proto.ConfigProto config) {
    return new Session(graph, config);
  }

  /**
   * First values of every parameter, reproducible from {@code seed}; a float32 model's as floats
   * (half the memory, copied to TensorFlow in bulk).
   */
  public Map<String, HostTensor> initialValues(long seed) {
    Map<String, HostTensor> initial = new LinkedHashMap<>();
    for (Parameter p : parameters().values()) {
      String name = p.spec().name();
      io.pldr.api.tensor.Shape shape = p.spec().shape();
      initial.put(
          name,
          dtype == DType.FLOAT32
              ? HostTensor.wrapFloats(
                  shape, Initializers.sampleFloats(p.initializer(), shape, seed, name))
              : HostTensor.wrap(
                  dtype, shape, Initializers.sample(p.initializer(), shape, seed, name)));
    }
    return initial;
  }

  /**
   * Loads every parameter in few runs ({@link VariableIo#assign}); the map must hold exactly the
   * parameters (checked first, naming any tensor that is missing, unexpected, of the wrong shape or
   * not floating-point). Returns the number of session runs made.
   */
  public int assign(Session session, Map<String, HostTensor> values, String source) {
    return VariableIo.assign(session, ops.parameters(), values, source);
  }

  /** The current value of every parameter. */
  public Map<String, HostTensor> read(Session session) {
    return VariableIo.read(session, ops.parameters());
  }

  @Override
  public void close() {
    graph.close();
  }
}

package io.pldr.tf.runtime;

import io.pldr.api.attention.AttentionProvider;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ForwardResult;
import io.pldr.api.model.LayerOutputs;
import io.pldr.api.model.ParameterSpec;
import io.pldr.api.model.PldrModel;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.model.PldrDecoder;
import io.pldr.tf.ops.Initializers;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;

/**
 * A PLDR-LLM on a TensorFlow graph: the forward graph is built once, parameters are variables,
 * and each {@link #forward} is one session run. Safe for concurrent forward calls.
 */
public final class TfPldrModel implements PldrModel {
  private final ModelConfig config;
  private final DType dtype;
  private final Graph graph;
  private final Session session;
  private final ParameterRegistry parameters;
  private final Placeholder<TInt64> tokens;
  private final PldrDecoder.Outputs outputs;

  public TfPldrModel(ModelConfig config, TensorOperatorProvider operator,
      AttentionProvider attention, long seed) {
    this.config = config;
    this.dtype = config.getPrecision() == Precision.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      this.parameters = new ParameterRegistry(tf, dtype);
      TfTensorOps ops = new TfTensorOps(tf, parameters);
      PldrDecoder decoder = new PldrDecoder(ops, config, operator, attention);
      this.tokens = tf.withName("tokens").placeholder(TInt64.class,
          Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, -1)));
      this.outputs = decoder.forward(tokens);
      this.session = new Session(graph, SessionConfigs.standard());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    Map<String, HostTensor> initial = new LinkedHashMap<>();
    for (Parameter p : parameters.all().values()) {
      initial.put(p.spec().name(), HostTensor.wrap(dtype, p.spec().shape(),
          Initializers.sample(p.initializer(), p.spec().shape(), seed, p.spec().name())));
    }
    assign(initial);
  }

  @Override
  public ModelConfig config() {
    return config;
  }

  @Override
  public Map<String, ParameterSpec> parameterSpecs() {
    Map<String, ParameterSpec> specs = new LinkedHashMap<>();
    parameters.all().forEach((name, p) -> specs.put(name, p.spec()));
    return Collections.unmodifiableMap(specs);
  }

  @Override
  public void loadParameters(Map<String, HostTensor> values) {
    ParameterCheck.check(parameterSpecs(), values, "parameters");
    assign(values);
  }

  private void assign(Map<String, HostTensor> values) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (Parameter p : parameters.all().values()) {
        Tensor t = HostTensors.toTensor(values.get(p.spec().name()), dtype);
        fed.add(t);
        runner.feed(p.feed(), t).addTarget(p.assign());
      }
      runner.run().close();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  @Override
  public Map<String, HostTensor> parameters() {
    Session.Runner runner = session.runner();
    List<String> names = new ArrayList<>(parameters.all().keySet());
    names.forEach(n -> runner.fetch(parameters.all().get(n).variable()));
    Map<String, HostTensor> out = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), HostTensors.fromTensor(r.get(i)));
      }
    }
    return out;
  }

  @Override
  public ForwardResult forward(long[][] rows) {
    InputCheck.tokens(rows, config);
    Fetches fetches = new Fetches();
    fetches.add(outputs.logits());
    fetches.add(outputs.decoderOutput());
    for (PldrDecoder.LayerGraph l : outputs.layers()) {
      fetches.add(l.aLm());
      fetches.add(l.gLm());
      fetches.add(l.attentionLogits());
    }
    try (TInt64 t = HostTensors.tokens(rows);
        Result r = fetches.fetchAll(session.runner()).feed(tokens, t).run()) {
      List<HostTensor> v = fetches.read(r);
      List<LayerOutputs> layers = new ArrayList<>();
      for (int i = 0; i < outputs.layers().size(); i++) {
        layers.add(new LayerOutputs(v.get(2 + 3 * i), v.get(3 + 3 * i), v.get(4 + 3 * i)));
      }
      return new ForwardResult(v.get(0), v.get(1), layers);
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}

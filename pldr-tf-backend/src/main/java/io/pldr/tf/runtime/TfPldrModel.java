package io.pldr.tf.runtime;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ForwardResult;
import io.pldr.api.model.LayerOutputs;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.model.ParameterSpec;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.model.PldrDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;

/**
 * A PLDR-LLM on a TensorFlow graph: the forward graph is built once, parameters are variables, and
 * each {@link #forward} is one session run. Safe for concurrent forward calls.
 */
public final class TfPldrModel implements PldrModel {
  private final ModelGraph model;
  private final Session session;
  private final Placeholder<TInt64> tokens;
  private final PldrDecoder.Outputs outputs;

  /** The model of {@code spec} with its initial values drawn from {@code seed}. */
  public TfPldrModel(ModelSpec spec, long seed) {
    this.model = new ModelGraph(spec);
    try {
      this.tokens =
          model
              .tf()
              .withName("tokens")
              .placeholder(
                  TInt64.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, -1)));
      this.outputs = model.decoder().forward(tokens);
      this.session = model.openSession();
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    model.assign(session, model.initialValues(seed), "initial values");
  }

  @Override
  public ModelConfig config() {
    return model.config();
  }

  @Override
  public Map<String, ParameterSpec> parameterSpecs() {
    return model.parameterSpecs();
  }

  @Override
  public void loadParameters(Map<String, HostTensor> values) {
    model.assign(session, values, "parameters");
  }

  @Override
  public Map<String, HostTensor> parameters() {
    return model.read(session);
  }

  @Override
  public ForwardResult forward(long[][] rows) {
    InputCheck.tokens(rows, model.config());
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
    model.close();
  }
}

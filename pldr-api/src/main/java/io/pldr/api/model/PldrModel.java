package io.pldr.api.model;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.HostTensor;
import java.util.Map;

/**
 * A PLDR-LLM ready to run: its configuration, its parameters, and a forward pass. Holds native
 * resources: close it.
 */
public interface PldrModel extends AutoCloseable {
  /** The validated configuration the model was built from. */
  ModelConfig config();

  /** Every parameter the model holds, by the reference implementation's names. */
  Map<String, ParameterSpec> parameterSpecs();

  /**
   * Replaces every parameter. The map must hold exactly the {@link #parameterSpecs()}: a missing or
   * unexpected name, a wrong shape or a non-floating type fails naming the tensor, and nothing is
   * changed.
   */
  void loadParameters(Map<String, HostTensor> values);

  /** The current parameter values. */
  Map<String, HostTensor> parameters();

  /**
   * Runs the model over rows of token ids of equal length (id 0 is padding) with the look-ahead and
   * padding mask. Fails with {@link IllegalArgumentException} for an id outside the vocabulary or a
   * row longer than {@code max_seq_len}.
   */
  ForwardResult forward(long[][] tokens);

  @Override
  void close();
}

package io.pldr.cache;

import io.pldr.api.tensor.HostTensor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every deductive output of one prompt's pass, per decoder layer (the reference's list: A, A_LM,
 * A_P, G_LM and the attention weights E), for the prompt's token ids.
 *
 * @param tokenIds the prompt's token ids, as the model saw them
 * @param layers one entry per decoder layer, in order
 */
public record DeductiveTensors(List<Long> tokenIds, List<Layer> layers) {
  public DeductiveTensors {
    tokenIds = List.copyOf(tokenIds);
    layers = List.copyOf(layers);
  }

  /**
   * One layer's deductive outputs, each of batch 1.
   *
   * @param a the metric tensor A {@code [1, H, d, d]} after the metric learner (the operator's
   *     refined metric): absent for a constant operator, which has none
   * @param aLm A_LM {@code [1, H, d, d]}
   * @param potential the potential tensor A_P = A_LM^pw {@code [1, H, d, d]}: absent unless the
   *     operator computes one (the learned operator does; constant ones do not)
   * @param gLm G_LM {@code [1, H, d, d]}
   * @param weights the attention weights E {@code [1, H, T, T]}: the softmax of the masked
   *     attention logits, each row summing to 1, zero above the diagonal
   */
  public record Layer(
      Optional<HostTensor> a,
      HostTensor aLm,
      Optional<HostTensor> potential,
      HostTensor gLm,
      HostTensor weights) {
    public Layer {
      Objects.requireNonNull(a, "a");
      Objects.requireNonNull(aLm, "aLm");
      Objects.requireNonNull(potential, "potential");
      Objects.requireNonNull(gLm, "gLm");
      Objects.requireNonNull(weights, "weights");
    }
  }
}

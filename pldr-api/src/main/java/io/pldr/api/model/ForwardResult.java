package io.pldr.api.model;

import io.pldr.api.tensor.HostTensor;
import java.util.List;

/**
 * The result of one forward pass over a batch of token rows: logits {@code [B, T, V]}, the decoder
 * output {@code [B, T, D]} (the input of the output layer), and each layer's deductive outputs.
 */
public record ForwardResult(
    HostTensor logits, HostTensor decoderOutput, List<LayerOutputs> layers) {
  public ForwardResult {
    layers = List.copyOf(layers);
  }
}

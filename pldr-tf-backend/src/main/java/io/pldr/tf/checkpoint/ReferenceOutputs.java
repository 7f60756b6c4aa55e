package io.pldr.tf.checkpoint;

import io.pldr.api.model.ForwardResult;
import io.pldr.api.tensor.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference implementation's names for what a model computes, as its fixtures and {@code ./pldr
 * reference-run} write them.
 */
public final class ReferenceOutputs {
  private ReferenceOutputs() {}

  /**
   * {@code full.logits}, {@code full.decoder_output} and, per layer i, {@code full.layer{i}.A_LM},
   * {@code .G_LM} and {@code .attention_logits} of a forward pass.
   */
  public static Map<String, HostTensor> full(ForwardResult r) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    out.put("full.logits", r.logits());
    out.put("full.decoder_output", r.decoderOutput());
    for (int i = 0; i < r.layers().size(); i++) {
      out.put("full.layer" + i + ".A_LM", r.layers().get(i).aLm());
      out.put("full.layer" + i + ".G_LM", r.layers().get(i).gLm());
      out.put("full.layer" + i + ".attention_logits", r.layers().get(i).attentionLogits());
    }
    return out;
  }
}

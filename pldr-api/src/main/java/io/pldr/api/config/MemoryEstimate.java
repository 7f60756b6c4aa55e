package io.pldr.api.config;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An estimate of the memory a model (loaded for inference) or a training run needs, from its sizes
 * alone, before anything is read or built: the formula of docs/configuration.md ("Size checks"). It
 * counts the large tensors (parameters, gradients, AdamW state, the activations a training step
 * keeps for its backward pass, the KV-cache, the rotary tables), not TensorFlow's workspace or the
 * JVM's own needs, so real use is higher; a configuration above the machine's memory by this
 * estimate cannot run. Sizes saturate at {@link Long#MAX_VALUE} rather than overflow.
 *
 * @param parameters the model's parameter count
 * @param parts what the memory is for, in bytes each, heap copies included
 * @param heapBytes the part held in the Java heap (parameters' host copies as they are loaded or
 *     written, the rotary tables as they are computed)
 */
public record MemoryEstimate(long parameters, List<Part> parts, long heapBytes) {
  /** One use of memory: a name a person reads ("AdamW state") and its bytes. */
  public record Part(String name, long bytes) {}

  public MemoryEstimate {
    parts = List.copyOf(parts);
  }

  /** A model loaded for inference: parameters, KV-cache of one max_seq_len sequence, rotary. */
  public static MemoryEstimate inference(ModelConfig c) {
    return ModelSizes.of(c).inference();
  }

  /**
   * A training run of {@code batch} sequences of {@code seqLen} tokens per micro-step, gradients
   * summed over {@code accumulation} micro-steps: parameters, gradients, AdamW's two moments,
   * activations, rotary tables.
   */
  public static MemoryEstimate training(ModelConfig c, int batch, int seqLen, int accumulation) {
    return ModelSizes.of(c).training(batch, seqLen, accumulation).training();
  }

  /** All parts together. */
  public long totalBytes() {
    long total = 0;
    for (Part p : parts) {
      total = ModelSizes.add(total, p.bytes());
    }
    return total;
  }

  /** The bytes of the part named {@code name}, 0 without one. */
  public long bytes(String name) {
    return parts.stream().filter(p -> p.name().equals(name)).mapToLong(Part::bytes).sum();
  }

  /** The parts as a person reads them: {@code parameters 440.0 MB, AdamW state 880.0 MB, ...}. */
  public String describe() {
    return parts.stream()
        .filter(p -> p.bytes() > 0)
        .map(p -> p.name() + " " + bytes(p.bytes()))
        .collect(Collectors.joining(", "));
  }

  /**
   * {@code bytes} in decimal units, one decimal: {@code 2.3 PB}; {@link Long#MAX_VALUE} (a
   * saturated size) reads {@code more than 9.2 EB}.
   */
  public static String bytes(long bytes) {
    if (bytes == Long.MAX_VALUE) {
      return "more than 9.2 EB";
    }
    if (bytes < 1000) {
      return bytes + " bytes";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}

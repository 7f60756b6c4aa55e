package io.pldr.api.cache;

import io.pldr.api.tensor.HostTensor;
import java.util.Objects;

/** One layer's G-cache entry: A_LM and G_LM, each {@code [B or 1, H, d, d]}. */
public record LayerDeductive(HostTensor aLm, HostTensor gLm) {
  public LayerDeductive {
    Objects.requireNonNull(aLm, "aLm");
    Objects.requireNonNull(gLm, "gLm");
  }
}

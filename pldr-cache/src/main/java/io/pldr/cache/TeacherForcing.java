package io.pldr.cache;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Teacher-forced decoding, as the reference's fixtures record it: step 0 is the prompt {@code
 * row[:P]}'s last-position logits; step j feeds {@code row[P + j − 1]} and records the newest
 * position's logits.
 */
public final class TeacherForcing {
  private TeacherForcing() {}

  /** The logits {@code [len − P + 1, V]} of decoding {@code row} after a prompt of {@code p}. */
  public static HostTensor logits(CachedDecoder decoder, long[] row, int p, CacheMode mode) {
    if (p < 1 || p > row.length) {
      throw new IllegalArgumentException(
          "prompt length " + p + " must be in [1, " + row.length + "], the row's length");
    }
    int vocab = decoder.config().getVocabSize();
    double[] out = new double[(row.length - p + 1) * vocab];
    CachedDecoder.Step s = decoder.prefill(new long[][] {Arrays.copyOf(row, p)});
    System.arraycopy(s.logits().toDoubleArray(), 0, out, 0, vocab);
    DecodeState state = s.state();
    try {
      for (int j = 1; j <= row.length - p; j++) {
        s = decoder.step(state, new long[][] {Arrays.copyOf(row, p + j)}, mode);
        state = s.state();
        System.arraycopy(s.logits().toDoubleArray(), 0, out, j * vocab, vocab);
      }
    } finally {
      state.close();
    }
    return HostTensor.wrap(s.logits().dtype(), Shape.of(row.length - p + 1, vocab), out);
  }

  /**
   * {@code decode.prompt_length} and {@code decode.{kv_g,kv,g,none}.logits}, the reference's names,
   * for one row.
   */
  public static Map<String, HostTensor> referenceTensors(CachedDecoder decoder, long[] row, int p) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    out.put("decode.prompt_length", HostTensor.of(DType.INT64, Shape.of(1), new double[] {p}));
    for (CacheMode mode : CacheMode.values()) {
      out.put("decode." + mode.id() + ".logits", logits(decoder, row, p, mode));
    }
    return out;
  }
}

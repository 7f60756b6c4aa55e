package io.pldr.tf.runtime;

import io.pldr.api.config.ModelConfig;

/** Checks token input before it reaches TensorFlow, so that bad input gets a clear message. */
public final class InputCheck {
  private InputCheck() {}

  public static void tokens(long[][] rows, ModelConfig config) {
    if (rows.length == 0 || rows[0].length == 0) {
      throw new IllegalArgumentException("tokens: expected at least one row of at least one token");
    }
    int length = rows[0].length;
    if (length > config.getMaxSeqLen()) {
      throw new IllegalArgumentException(
          "tokens: sequence length "
              + length
              + " exceeds the model's max_seq_len "
              + config.getMaxSeqLen());
    }
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != length) {
        throw new IllegalArgumentException(
            "tokens: row "
                + r
                + " has "
                + rows[r].length
                + " tokens, row 0 has "
                + length
                + " (pad rows to one length with id "
                + config.getTokenIds().getPad()
                + ")");
      }
      for (int c = 0; c < length; c++) {
        long id = rows[r][c];
        if (id < 0 || id >= config.getVocabSize()) {
          throw new IllegalArgumentException(
              "tokens: id "
                  + id
                  + " at row "
                  + r
                  + ", position "
                  + c
                  + " is outside the vocabulary [0, "
                  + config.getVocabSize()
                  + ")");
        }
      }
    }
  }
}

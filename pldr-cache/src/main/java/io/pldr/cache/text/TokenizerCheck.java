package io.pldr.cache.text;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.TokenIds;
import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;
import java.nio.file.Path;

/** Checks that a tokenizer fits a model: the same vocabulary size and special ids. */
public final class TokenizerCheck {
  private TokenizerCheck() {}

  /**
   * Fails naming {@code file} when the tokenizer's vocabulary size or special ids differ from the
   * model's.
   */
  public static void check(Tokenizer tokenizer, Path file, ModelConfig config) {
    if (tokenizer.vocabSize() != config.getVocabSize()) {
      throw new IllegalArgumentException(
          file
              + ": the tokenizer has "
              + tokenizer.vocabSize()
              + " ids but the model's vocab_size is "
              + config.getVocabSize()
              + ": they must be equal");
    }
    SpecialTokens ids = tokenizer.specialTokens();
    TokenIds model = config.getTokenIds();
    if (ids.pad() != model.getPad() || ids.bos() != model.getBos() || ids.eos() != model.getEos()) {
      throw new IllegalArgumentException(
          file
              + ": the tokenizer's special ids (pad "
              + ids.pad()
              + ", bos "
              + ids.bos()
              + ", eos "
              + ids.eos()
              + ") differ from the model's token_ids (pad "
              + model.getPad()
              + ", bos "
              + model.getBos()
              + ", eos "
              + model.getEos()
              + ")");
    }
  }
}

package io.pldr.cache.text;

import io.pldr.api.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a tokenizer file by its kind: a SentencePiece {@code .model} or a Hugging Face {@code
 * .json}.
 */
public final class Tokenizers {
  private Tokenizers() {}

  /**
   * The tokenizer in {@code file}: SentencePiece for a name ending in {@code .model}, Hugging
   * Face's {@code tokenizer.json} format for one ending in {@code .json}; another name fails naming
   * the file and the kinds accepted.
   */
  public static Tokenizer load(Path file) throws IOException {
    String name = file.getFileName().toString();
    if (name.endsWith(".model")) {
      return SentencePieceTokenizer.load(file);
    }
    if (name.endsWith(".json")) {
      return HfTokenizer.load(file);
    }
    throw new IllegalArgumentException(
        file
            + ": not a tokenizer file pldr knows: expected a SentencePiece model (.model) or a"
            + " Hugging Face tokenizer.json (.json)");
  }
}

package io.pldr.serve;

import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A tokenizer for benchmarks of models with random weights: a text is its token ids written as
 * numbers separated by spaces, and ids decode back to that text. Ids 0 to 3 are the special tokens.
 */
public final class NumberTokenizer implements Tokenizer {
  private final int vocabSize;

  /** Ids {@code 0 … vocabSize-1}. */
  public NumberTokenizer(int vocabSize) {
    this.vocabSize = vocabSize;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public SpecialTokens specialTokens() {
    return SpecialTokens.defaults();
  }

  @Override
  public int[] encode(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return new int[0];
    }
    int[] ids = Arrays.stream(t.split("\\s+")).mapToInt(Integer::parseInt).toArray();
    for (int id : ids) {
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException(
            "token id " + id + " outside the vocabulary [0, " + vocabSize + ")");
      }
    }
    return ids;
  }

  @Override
  public String decode(int[] ids) {
    return Arrays.stream(ids).mapToObj(i -> " " + i).collect(Collectors.joining());
  }

  @Override
  public void close() {}
}

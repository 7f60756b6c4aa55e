package io.pldr.api.text;

/**
 * Text to token ids and back. Ids are in {@code [0, vocabSize())}; the special ids follow the
 * PLDR-LLM convention (pad 0, bos 2, eos 3 unless a tokenizer says otherwise). May hold native
 * resources: close it.
 */
public interface Tokenizer extends AutoCloseable {
  /** Number of ids, special ones included. */
  int vocabSize();

  /** The ids of the special tokens. */
  SpecialTokens specialTokens();

  /** The ids of {@code text}, with no special token added. */
  int[] encode(String text);

  /** The text of {@code ids}; special tokens are left out. */
  String decode(int[] ids);

  @Override
  void close();
}

package io.pldr.api.text;

/**
 * Ids of the special tokens: padding (masked out of attention and loss), unknown, beginning and end
 * of text (the separator between documents in packed training data).
 */
public record SpecialTokens(int pad, int unk, int bos, int eos) {
  /** The PLDR-LLM defaults: {@code <pad>} 0, {@code <unk>} 1, {@code <s>} 2, {@code </s>} 3. */
  public static SpecialTokens defaults() {
    return new SpecialTokens(0, 1, 2, 3);
  }
}

package io.pldr.train.data;

import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A byte tokenizer for tests: id {@code offset + byte}, counting its encode calls. */
final class FakeTokenizer implements Tokenizer {
  final int offset;
  final int vocabSize;
  final AtomicInteger encodeCalls = new AtomicInteger();

  FakeTokenizer(int offset, int vocabSize) {
    this.offset = offset;
    this.vocabSize = vocabSize;
  }

  /** Ids 4..259 for the bytes, vocabulary 260. */
  static FakeTokenizer bytes() {
    return new FakeTokenizer(4, 260);
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
    encodeCalls.incrementAndGet();
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      ids[i] = offset + (b[i] & 0xff);
    }
    return ids;
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id >= offset) {
        out.write(id - offset);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {}
}

package io.pldr.eval.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.score.TokenRequest;
import io.pldr.cache.text.SentencePieceTokenizer;
import io.pldr.eval.SpaceLetterTokenizer;
import io.pldr.eval.request.LoglikelihoodRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long context is tokenised from a tail only, and gives the tokens that whole-text tokenisation
 * gives for the part a model reads.
 */
class ContextTailTest {
  private static final int MAX_SEQ_LEN = 128;
  private static SentencePieceTokenizer sentencePiece;

  @BeforeAll
  static void loadTokenizer(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("tokenizer.model");
    try (InputStream in =
        ContextTailTest.class.getResourceAsStream("/sentencepiece/tokenizer.model")) {
      Files.copy(in, model);
    }
    sentencePiece = SentencePieceTokenizer.load(model);
  }

  @AfterAll
  static void close() {
    sentencePiece.close();
  }

  /** Words, punctuation, line ends, runs of spaces and non-ASCII letters, seeded. */
  private static String text(int chars, long seed) {
    String[] words = {
      "the",
      "whale",
      "Ishmael",
      "sea,",
      "ship.",
      "harpoon",
      "Ahab's",
      "\u00e9t\u00e9",
      "\u4e2d\u6587",
      "\"Call",
      "me\"",
      "--",
      "1851",
      "a",
      "of",
      "white;",
      "\n",
      "\n\n",
      "  ",
      "caf\u00e9!"
    };
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder(chars + 16);
    while (b.length() < chars) {
      b.append(words[r.nextInt(words.length)]);
      b.append(r.nextInt(5) == 0 ? "" : " ");
    }
    return b.toString();
  }

  private static long[] ids(Tokenizer t, String text) {
    return Arrays.stream(t.encode(text)).asLongStream().toArray();
  }

  /** The request as encoded before tails: context and context + continuation tokenised whole. */
  private static TokenRequest wholeLine(Tokenizer t, String context, String continuation) {
    long[] ctx = ids(t, context);
    long[] whole = ids(t, context + continuation);
    return TokenRequest.truncated(
        ctx, Arrays.copyOfRange(whole, ctx.length, whole.length), MAX_SEQ_LEN);
  }

  @Test
  void aTailGivesTheLastTokensOfTheWholeText() {
    for (long seed = 1; seed <= 3; seed++) {
      String text = text(60_000, seed);
      int[] whole = sentencePiece.encode(text);
      String tail = ContextTail.of(sentencePiece, text, MAX_SEQ_LEN + 1);
      assertThat(tail.length()).isLessThan(20_000);
      assertThat(text).endsWith(tail);
      int[] fromTail = sentencePiece.encode(tail);
      assertThat(Arrays.copyOfRange(fromTail, fromTail.length - (MAX_SEQ_LEN + 1), fromTail.length))
          .containsExactly(
              Arrays.copyOfRange(whole, whole.length - (MAX_SEQ_LEN + 1), whole.length));
    }
  }

  @Test
  void longContextsEncodeAsWholeLineTokenisationDoes() {
    for (Tokenizer t : new Tokenizer[] {sentencePiece, new SpaceLetterTokenizer()}) {
      for (long seed = 1; seed <= 2; seed++) {
        String context = text(40_000, seed) + " Answer:";
        for (String continuation : new String[] {" the whale", " caf\u00e9", "\n1851"}) {
          TokenRequest expected = wholeLine(t, context, continuation);
          TokenRequest actual =
              EncodedRequest.of(
                  new LoglikelihoodRequest(context, continuation), t, false, MAX_SEQ_LEN);
          assertThat(actual.prompt()).containsExactly(expected.prompt());
          assertThat(actual.continuation()).containsExactly(expected.continuation());
        }
      }
    }
  }

  @Test
  void aTwentyMegabyteLineIsTokenisedOnlyFromItsTail() {
    String end = text(50_000, 7) + " Answer:";
    String huge = text(100_000, 8).repeat(200) + end; // 20 million characters
    CountingTokenizer counting = new CountingTokenizer(sentencePiece);
    long start = System.nanoTime();
    TokenRequest r =
        EncodedRequest.of(
            new LoglikelihoodRequest(huge, " the whale"), counting, false, MAX_SEQ_LEN);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(counting.chars).isLessThan(100_000); // of 20 million
    assertThat(seconds).isLessThan(5);
    TokenRequest expected = wholeLine(sentencePiece, end, " the whale");
    assertThat(r.prompt()).containsExactly(expected.prompt()).hasSize(MAX_SEQ_LEN + 1 - 2);
    assertThat(r.continuation()).containsExactly(expected.continuation());
  }

  @Test
  void aShortContextIsTokenisedWhole() {
    String text = text(5_000, 3);
    assertThat(ContextTail.of(sentencePiece, text, MAX_SEQ_LEN + 1)).isSameAs(text);
  }

  /** Counts the characters it is asked to tokenise. */
  private static final class CountingTokenizer implements Tokenizer {
    private final Tokenizer inner;
    long chars;

    CountingTokenizer(Tokenizer inner) {
      this.inner = inner;
    }

    @Override
    public int vocabSize() {
      return inner.vocabSize();
    }

    @Override
    public SpecialTokens specialTokens() {
      return inner.specialTokens();
    }

    @Override
    public int[] encode(String text) {
      chars += text.length();
      return inner.encode(text);
    }

    @Override
    public String decode(int[] ids) {
      return inner.decode(ids);
    }

    @Override
    public void close() {}
  }
}

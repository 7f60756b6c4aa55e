package io.pldr.eval.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.cache.score.TokenRequest;
import io.pldr.eval.SpaceLetterTokenizer;
import io.pldr.eval.request.LoglikelihoodRequest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Requests in token ids as lm-evaluation-harness encodes them for a causal model. */
class EncodedRequestTest {
  private final SpaceLetterTokenizer tokenizer = new SpaceLetterTokenizer();

  private long[] ids(String text) {
    return Arrays.stream(tokenizer.encode(text)).asLongStream().toArray();
  }

  private TokenRequest encode(String context, String continuation, boolean addBos, int max) {
    return EncodedRequest.of(
        new LoglikelihoodRequest(context, continuation), tokenizer, addBos, max);
  }

  @Test
  void continuationIsWhatFollowsTheContextInTheWholeEncoding() {
    TokenRequest e = encode("Question: why?\nAnswer:", " yes", false, 64);
    assertThat(e.prompt()).containsExactly(ids("Question: why?\nAnswer:"));
    assertThat(e.continuation()).containsExactly(ids(" yes")); // " y" is one token
    assertThat(e.input()).containsExactly(ids("Question: why?\nAnswer: ye"));
  }

  @Test
  void trailingSpacesOfTheContextMoveToTheContinuation() {
    TokenRequest e = encode("Answer: ", "yes", false, 64);
    assertThat(e.prompt()).containsExactly(ids("Answer:"));
    assertThat(e.continuation()).containsExactly(ids(" yes"));
  }

  @Test
  void emptyContextIsTheEndOfTextToken() {
    TokenRequest e = encode("", " whale", false, 64);
    assertThat(e.prompt()).containsExactly(3); // </s>, as the papers' evaluation fork has it
    assertThat(e.continuation()).containsExactly(ids(" whale"));
  }

  @Test
  void addBosPrefixesTheContext() {
    TokenRequest e = encode("Q:", " x", true, 64);
    assertThat(e.prompt()).containsExactly(2, ids("Q")[0], ids(":")[0]);
    assertThat(e.continuation()).containsExactly(ids(" x"));
  }

  @Test
  void longSequencesLoseTokensFromTheLeftKeepingMaxSeqLenPlusOne() {
    TokenRequest e = encode("ABCDEFGHIJ", " xyz", false, 8); // 10 + 3 tokens, keep 9
    assertThat(e.prompt()).containsExactly(ids("EFGHIJ"));
    assertThat(e.continuation()).containsExactly(ids(" xyz"));
    assertThat(e.input()).hasSize(8);
  }

  @Test
  void continuationLongerThanTheModelsContextIsRefused() {
    assertThatThrownBy(() -> encode("A", " abcdefghij", false, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "the continuation is 10 tokens, longer than the model's context" + " of 8");
  }
}

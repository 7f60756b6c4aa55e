package io.pldr.eval.engine;

import io.pldr.api.text.Tokenizer;
import io.pldr.cache.score.TokenRequest;
import io.pldr.eval.request.LoglikelihoodRequest;
import io.pldr.eval.text.PythonText;
import java.util.Arrays;

/**
 * Requests in token ids, as lm-evaluation-harness's causal models encode it: trailing spaces of the
 * context move to the continuation; context + continuation is encoded whole and the continuation is
 * what follows the context's own encoding; an empty context becomes the prefix token, which is the
 * end-of-text token (EOS) as in the PLDR-LLM papers' evaluation fork of the harness (the harness
 * itself takes BOS); the sequence is truncated from the left to {@code max_seq_len + 1} tokens,
 * whose last one is never fed ({@link TokenRequest#truncated}); a long context is tokenised from a
 * tail that gives the same last tokens ({@link ContextTail}). {@code prompt} is what is fed before
 * the continuation's first token is predicted.
 */
final class EncodedRequest {
  private EncodedRequest() {}

  static TokenRequest of(
      LoglikelihoodRequest r, Tokenizer tokenizer, boolean addBos, int maxSeqLen) {
    long prefixToken = tokenizer.specialTokens().eos();
    long[] context;
    long[] continuation;
    if (r.context().isEmpty()) {
      long[] c = ids(tokenizer, r.continuation(), false, prefixToken);
      if (c.length == 0) {
        throw new IllegalArgumentException("empty request: no context and no continuation");
      }
      boolean startsWithPrefix = c[0] == prefixToken;
      context = startsWithPrefix ? Arrays.copyOf(c, 1) : new long[] {prefixToken};
      continuation = startsWithPrefix ? Arrays.copyOfRange(c, 1, c.length) : c;
    } else {
      String rstripped = PythonText.rstrip(r.context());
      String cont = r.context().substring(rstripped.length()) + r.continuation();
      // At most maxSeqLen + 1 tokens are kept: a long context is tokenised from a tail only.
      String ctx = ContextTail.of(tokenizer, rstripped, maxSeqLen + 1);
      long bos = tokenizer.specialTokens().bos();
      context = ids(tokenizer, ctx, addBos, bos);
      long[] whole = ids(tokenizer, ctx + cont, addBos, bos);
      continuation =
          Arrays.copyOfRange(whole, Math.min(context.length, whole.length), whole.length);
    }
    if (context.length == 0 || continuation.length == 0) {
      throw new IllegalArgumentException(
          "request "
              + quote(r)
              + " has "
              + (context.length == 0 ? "a context" : "a continuation")
              + " of no tokens");
    }
    if (continuation.length > maxSeqLen) {
      throw new IllegalArgumentException(
          "request "
              + quote(r)
              + ": the continuation is "
              + continuation.length
              + " tokens, longer than the model's context of "
              + maxSeqLen);
    }
    return TokenRequest.truncated(context, continuation, maxSeqLen);
  }

  private static long[] ids(Tokenizer tokenizer, String text, boolean addBos, long bos) {
    int[] encoded = tokenizer.encode(text);
    int offset = addBos ? 1 : 0;
    long[] out = new long[encoded.length + offset];
    if (addBos) {
      out[0] = bos;
    }
    for (int i = 0; i < encoded.length; i++) {
      out[i + offset] = encoded[i];
    }
    return out;
  }

  private static String quote(LoglikelihoodRequest r) {
    String s = r.context() + "|" + r.continuation();
    return "\"" + (s.length() > 60 ? "..." + s.substring(s.length() - 57) : s) + "\"";
  }
}

package io.pldr.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.generate.Generation;
import io.pldr.cache.serve.GeneratedToken;
import io.pldr.cache.serve.TokenLogprob;
import java.util.List;

/** The JSON of OpenAI's legacy completions API: completions, chunks, logprobs, errors. */
final class Responses {
  private final ObjectMapper json;

  Responses(ObjectMapper json) {
    this.json = json;
  }

  /** The envelope of a completion or a chunk: id, object, created, model, choices. */
  ObjectNode completion(String id, long created, String model) {
    ObjectNode out = json.createObjectNode();
    out.put("id", id).put("object", "text_completion").put("created", created).put("model", model);
    out.putArray("choices");
    return out;
  }

  /** One choice: text, index, logprobs (or null), finish_reason (or null). */
  ObjectNode choice(String text, int index, ObjectNode logprobs, String finishReason) {
    ObjectNode c = json.createObjectNode();
    c.put("text", text).put("index", index);
    c.set("logprobs", logprobs);
    if (finishReason == null) {
      c.putNull("finish_reason");
    } else {
      c.put("finish_reason", finishReason);
    }
    return c;
  }

  /** An empty logprobs object: tokens, token_logprobs, top_logprobs, text_offset. */
  ObjectNode logprobs() {
    ObjectNode l = json.createObjectNode();
    l.putArray("tokens");
    l.putArray("token_logprobs");
    l.putArray("top_logprobs");
    l.putArray("text_offset");
    return l;
  }

  /** Adds a generated token at {@code offset} of the choice's text. */
  void addToken(ObjectNode logprobs, GeneratedToken token, int offset) {
    ((ArrayNode) logprobs.get("tokens")).add(token.chosen().text());
    ((ArrayNode) logprobs.get("token_logprobs")).add(token.chosen().logprob());
    ObjectNode top = json.createObjectNode();
    for (TokenLogprob t : token.top()) {
      if (!top.has(t.text())) {
        top.put(t.text(), t.logprob());
      }
    }
    ((ArrayNode) logprobs.get("top_logprobs")).add(top);
    ((ArrayNode) logprobs.get("text_offset")).add(offset);
  }

  /**
   * Adds an echoed prompt's tokens, whose log-probabilities this server does not compute (null),
   * from {@code offset}.
   */
  void addPrompt(ObjectNode logprobs, Tokenizer tokenizer, List<Long> ids, int offset) {
    for (long id : ids) {
      String text = tokenizer.decode(new int[] {(int) id});
      ((ArrayNode) logprobs.get("tokens")).add(text);
      ((ArrayNode) logprobs.get("token_logprobs")).addNull();
      ((ArrayNode) logprobs.get("top_logprobs")).addNull();
      ((ArrayNode) logprobs.get("text_offset")).add(offset);
      offset += text.length();
    }
  }

  /** The usage object. */
  ObjectNode usage(int promptTokens, int completionTokens) {
    ObjectNode u = json.createObjectNode();
    u.put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
    return u;
  }

  /** OpenAI's error object: {@code {"error": {"message", "type", "param", "code"}}}. */
  ObjectNode error(ApiException e) {
    ObjectNode out = json.createObjectNode();
    ObjectNode err = out.putObject("error");
    err.put("message", e.getMessage()).put("type", e.type());
    err.put("param", e.param().orElse(null));
    err.put("code", e.code().orElse(null));
    return out;
  }

  /** OpenAI's finish reason: "stop" (end of text, a stop string), "length", "abort" (cancelled). */
  static String finishReason(Generation.StopReason reason) {
    return switch (reason) {
      case END_OF_TEXT, STOP_STRING -> "stop";
      case MAX_TOKENS, CONTEXT_LIMIT -> "length";
      case CANCELLED -> "abort";
    };
  }
}

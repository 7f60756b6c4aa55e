package io.pldr.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.pldr.api.cache.CacheMode;
import io.pldr.cache.generate.Generator;
import io.pldr.cache.generate.SamplingConfig;
import io.pldr.cache.serve.CompletionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * A validated {@code POST /v1/completions} body, OpenAI's defaults filled in (max_tokens 16,
 * temperature 1, top_p 1, n 1), each prompt encoded as {@code Generator.promptIds} encodes it.
 *
 * @param model the model the request names
 * @param prompts the prompts with their ids
 * @param maxTokens new tokens per choice at most
 * @param temperature 0 greedy
 * @param topP nucleus, in (0, 1]
 * @param topK the most likely tokens kept (0: all), pldr's and vLLM's extension
 * @param seed the sampling seed of choice 0 (choice i draws from seed + i)
 * @param stop stop strings
 * @param n choices per prompt
 * @param stream answer with server-sent events
 * @param includeUsage a last streamed chunk with the usage ({@code stream_options.include_usage})
 * @param logprobs how many most likely tokens' log-probabilities to report per token, if any
 * @param echo the prompt is put in front of each choice's text
 * @param mode the cache mode ({@code cache_mode}, pldr's extension)
 */
public record CompletionParams(
    String model,
    List<Prompt> prompts,
    int maxTokens,
    double temperature,
    double topP,
    int topK,
    long seed,
    List<String> stop,
    int n,
    boolean stream,
    boolean includeUsage,
    OptionalInt logprobs,
    boolean echo,
    CacheMode mode) {
  /** The most choices a request may ask for, as OpenAI's limit. */
  public static final int MAX_N = 128;

  /** The most log-probabilities per token a request may ask for. */
  public static final int MAX_LOGPROBS = CompletionRequest.MAX_TOP_LOGPROBS;

  public CompletionParams {
    prompts = List.copyOf(prompts);
    stop = List.copyOf(stop);
  }

  /**
   * A prompt's text and ids.
   *
   * @param text the prompt as sent
   * @param ids its ids as the model reads them
   */
  public record Prompt(String text, List<Long> ids) {
    public Prompt {
      ids = List.copyOf(ids);
    }

    /** The ids as an array. */
    public long[] idArray() {
      return ids.stream().mapToLong(Long::longValue).toArray();
    }
  }

  /** How choice {@code index} of each prompt samples. */
  public SamplingConfig sampling(int index) {
    return new SamplingConfig(temperature, topK, topP, seed + index, maxTokens, stop);
  }

  /**
   * Reads and checks a request body against {@code served}.
   *
   * @throws ApiException 400 naming the field at fault
   */
  public static CompletionParams parse(JsonNode body, ServedModel served) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalid(null, "the request body must be a JSON object");
    }
    String model = text(body, "model");
    if (model == null) {
      throw ApiException.invalid("model", "model is required: this server serves " + served.id());
    }
    if (!model.equals(served.id())) {
      throw new ApiException(
          400,
          "invalid_request_error",
          "model",
          "model_not_found",
          "The model '" + model + "' does not exist: this server serves '" + served.id() + "'");
    }
    List<String> texts = strings(body, "prompt", "a string or an array of strings");
    if (texts == null) {
      texts = List.of("");
    }
    if (texts.isEmpty()) {
      throw ApiException.invalid("prompt", "prompt must not be an empty array");
    }
    int context = served.contextLength();
    List<Prompt> prompts = new ArrayList<>();
    int longest = 0;
    for (String t : texts) {
      List<Long> ids = new ArrayList<>();
      for (long id : Generator.promptIds(served.tokenizer(), t)) {
        ids.add(id);
      }
      if (ids.size() >= context) {
        throw ApiException.invalid(
            "prompt",
            "the prompt is "
                + ids.size()
                + " tokens, and this model's context of "
                + context
                + " tokens leaves no room for a completion");
      }
      longest = Math.max(longest, ids.size());
      prompts.add(new Prompt(t, ids));
    }
    int maxTokens = integer(body, "max_tokens", 16);
    if (maxTokens <= 0) {
      throw ApiException.invalid("max_tokens", "max_tokens must be at least 1, found " + maxTokens);
    }
    if (longest + maxTokens > context) {
      throw ApiException.invalid(
          "max_tokens",
          "max_tokens is too large: this model's maximum context length is "
              + context
              + " tokens, however you requested "
              + (longest + maxTokens)
              + " tokens ("
              + longest
              + " in your prompt; "
              + maxTokens
              + " for the completion)");
    }
    double temperature = number(body, "temperature", 1.0);
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw ApiException.invalid(
          "temperature", "temperature must be 0 (greedy) or positive, found " + temperature);
    }
    double topP = number(body, "top_p", 1.0);
    if (!(topP > 0 && topP <= 1)) {
      throw ApiException.invalid("top_p", "top_p must be in (0, 1], found " + topP);
    }
    int topK = integer(body, "top_k", 0);
    if (topK < -1) {
      throw ApiException.invalid("top_k", "top_k must be -1 or 0 (off) or positive, found " + topK);
    }
    long seed =
        body.hasNonNull("seed")
            ? longValue(body, "seed")
            : ThreadLocalRandom.current().nextLong(Long.MAX_VALUE / 2);
    List<String> stop = strings(body, "stop", "a string or an array of strings");
    int n = integer(body, "n", 1);
    if (n < 1 || n > MAX_N) {
      throw ApiException.invalid("n", "n must be in [1, " + MAX_N + "], found " + n);
    }
    boolean stream = bool(body, "stream", false);
    boolean includeUsage = false;
    JsonNode options = body.get("stream_options");
    if (options != null && !options.isNull()) {
      if (!options.isObject()) {
        throw ApiException.invalid("stream_options", "stream_options must be an object");
      }
      includeUsage = bool(options, "include_usage", false);
    }
    OptionalInt logprobs = OptionalInt.empty();
    if (body.hasNonNull("logprobs")) {
      int k = integer(body, "logprobs", 0);
      if (k < 0 || k > MAX_LOGPROBS) {
        throw ApiException.invalid(
            "logprobs", "logprobs must be in [0, " + MAX_LOGPROBS + "], found " + k);
      }
      logprobs = OptionalInt.of(k);
    }
    boolean echo = bool(body, "echo", false);
    CacheMode mode = served.defaultMode();
    String modeName = text(body, "cache_mode");
    if (modeName != null) {
      mode =
          served.cacheModes().stream()
              .filter(m -> m.id().equals(modeName))
              .findFirst()
              .orElseThrow(
                  () ->
                      ApiException.invalid(
                          "cache_mode",
                          "cache_mode '"
                              + modeName
                              + "' is not served here: expected one of "
                              + served.cacheModes().stream()
                                  .map(CacheMode::id)
                                  .collect(Collectors.joining(", "))));
    }
    unsupported(body);
    return new CompletionParams(
        model,
        prompts,
        maxTokens,
        temperature,
        topP,
        topK < 0 ? 0 : topK,
        seed,
        stop == null ? List.of() : stop,
        n,
        stream,
        includeUsage,
        logprobs,
        echo,
        mode);
  }

  /** OpenAI's fields this server does not implement fail rather than being ignored. */
  private static void unsupported(JsonNode body) {
    for (String f : List.of("presence_penalty", "frequency_penalty")) {
      if (number(body, f, 0) != 0) {
        throw ApiException.invalid(f, f + " is not supported: leave it out or 0");
      }
    }
    if (body.hasNonNull("best_of") && integer(body, "best_of", 1) != integer(body, "n", 1)) {
      throw ApiException.invalid("best_of", "best_of is not supported: leave it out or equal to n");
    }
    if (body.hasNonNull("suffix") && !text(body, "suffix").isEmpty()) {
      throw ApiException.invalid("suffix", "suffix is not supported");
    }
    JsonNode bias = body.get("logit_bias");
    if (bias != null && !bias.isNull() && !bias.isEmpty()) {
      throw ApiException.invalid("logit_bias", "logit_bias is not supported");
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.invalid(field, field + " must be a string, found " + v.getNodeType());
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode body, String field, String expected) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return List.of(v.asText());
    }
    if (v.isArray()) {
      List<String> out = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isTextual()) {
          throw ApiException.invalid(
              field, field + " must be " + expected + ", found an element " + e.getNodeType());
        }
        out.add(e.asText());
      }
      return out;
    }
    throw ApiException.invalid(
        field, field + " must be " + expected + ", found " + v.getNodeType());
  }

  private static int integer(JsonNode body, String field, int fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiException.invalid(field, field + " must be an integer, found " + v);
    }
    return v.intValue();
  }

  private static long longValue(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiException.invalid(field, field + " must be an integer, found " + v);
    }
    return v.longValue();
  }

  private static double number(JsonNode body, String field, double fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw ApiException.invalid(field, field + " must be a number, found " + v.getNodeType());
    }
    return v.doubleValue();
  }

  private static boolean bool(JsonNode body, String field, boolean fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw ApiException.invalid(field, field + " must be a boolean, found " + v.getNodeType());
    }
    return v.booleanValue();
  }
}

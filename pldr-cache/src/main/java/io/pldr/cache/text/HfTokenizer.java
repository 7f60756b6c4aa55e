package io.pldr.cache.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} run by the native Rust library through DJL, without
 * truncation, padding or added special tokens. The special ids are those of {@code <pad>}, {@code
 * <unk>}, {@code <s>} and {@code </s>} in the file's added tokens (or, for files converted from
 * other formats, its model vocabulary). Holds native memory: close it.
 */
public final class HfTokenizer implements Tokenizer {
  /** The special tokens pldr needs, in the order of {@link SpecialTokens}: pad, unk, bos, eos. */
  public static final List<String> SPECIAL_TOKENS = List.of("<pad>", "<unk>", "<s>", "</s>");

  private final Path file;
  private final HuggingFaceTokenizer hf;
  private final int vocabSize;
  private final SpecialTokens specialTokens;

  private HfTokenizer(
      Path file, HuggingFaceTokenizer nativeTokenizer, int vocabSize, SpecialTokens specialTokens) {
    this.file = file;
    this.hf = nativeTokenizer;
    this.vocabSize = vocabSize;
    this.specialTokens = specialTokens;
  }

  /**
   * Loads {@code file}. Fails with an {@link IOException} if it cannot be read or parsed, and an
   * {@link IllegalArgumentException} naming the file if a special token is missing.
   */
  public static HfTokenizer load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no tokenizer file");
    }
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IOException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
    }
    Map<String, Integer> ids = tokenIds(root);
    int vocab = ids.values().stream().mapToInt(i -> i + 1).max().orElse(0);
    SpecialTokens special = specialTokens(file, root, ids);
    HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(file)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .optPadding(false)
            .build();
    return new HfTokenizer(file, tokenizer, vocab, special);
  }

  /** The tokenizer file. */
  public Path file() {
    return file;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public SpecialTokens specialTokens() {
    return specialTokens;
  }

  @Override
  public int[] encode(String text) {
    return toInts(hf.encode(text, false, false).getIds());
  }

  /** The ids of each text, encoded in parallel by the native library. */
  public int[][] encodeBatch(List<String> texts) {
    Encoding[] encodings = hf.batchEncode(texts, false, false);
    int[][] out = new int[encodings.length][];
    for (int i = 0; i < encodings.length; i++) {
      out[i] = toInts(encodings[i].getIds());
    }
    return out;
  }

  @Override
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocabSize) {
        throw new IllegalArgumentException(
            "token id " + ids[i] + " is outside [0, " + vocabSize + ") of " + file);
      }
      l[i] = ids[i];
    }
    return hf.decode(l, true);
  }

  @Override
  public void close() {
    hf.close();
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /** Every token's id: the model vocabulary (a map, or a Unigram list) and the added tokens. */
  private static Map<String, Integer> tokenIds(JsonNode root) {
    Map<String, Integer> ids = new HashMap<>();
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) {
      for (Map.Entry<String, JsonNode> e : vocab.properties()) {
        ids.put(e.getKey(), e.getValue().asInt());
      }
    } else if (vocab.isArray()) {
      for (int i = 0; i < vocab.size(); i++) {
        ids.put(vocab.get(i).path(0).asText(), i);
      }
    }
    for (JsonNode t : root.path("added_tokens")) {
      ids.put(t.path("content").asText(), t.path("id").asInt());
    }
    return ids;
  }

  private static SpecialTokens specialTokens(Path file, JsonNode root, Map<String, Integer> ids) {
    Map<String, Integer> added = new HashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      added.put(t.path("content").asText(), t.path("id").asInt());
    }
    Map<String, Integer> found = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String name : SPECIAL_TOKENS) {
      Integer id = added.containsKey(name) ? added.get(name) : ids.get(name);
      if (id == null) {
        missing.add(name);
      } else {
        found.put(name, id);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "tokenizer "
              + file
              + " lacks the special token(s) "
              + String.join(", ", missing)
              + " (pldr needs <pad>, <unk>, <s> and </s>)");
    }
    return new SpecialTokens(
        found.get("<pad>"), found.get("<unk>"), found.get("<s>"), found.get("</s>"));
  }
}

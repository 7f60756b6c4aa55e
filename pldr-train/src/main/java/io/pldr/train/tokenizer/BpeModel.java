package io.pldr.train.tokenizer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.pldr.api.text.SpecialTokens;
import io.pldr.cache.text.HfTokenizer;
import io.pldr.tf.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained byte-level BPE tokenizer: the token strings by id (the four special tokens, the 256
 * byte symbols in byte order, then one token per merge) and the merges by rank. It writes the
 * Hugging Face {@code tokenizer.json} that {@link HfTokenizer} loads, and encodes and decodes in
 * plain Java with the same rules (used to check the native library and in tests).
 */
public final class BpeModel {
  /** The special tokens at ids 0..3: pad, unk, bos, eos. */
  public static final List<String> SPECIAL_TOKENS = HfTokenizer.SPECIAL_TOKENS;

  /** Id of byte 0; byte {@code b} has id {@code FIRST_BYTE_ID + b}. */
  public static final int FIRST_BYTE_ID = SPECIAL_TOKENS.size();

  /** Ids before the first merge: the special tokens and the 256 bytes. */
  public static final int BASE_VOCAB_SIZE = FIRST_BYTE_ID + 256;

  /** One merge: the tokens {@code left} and {@code right} become {@code result}. */
  public record Merge(int left, int right, int result) {}

  private final List<String> tokens;
  private final List<Merge> merges;
  private final Map<Long, Integer> rankOfPair;

  /**
   * A model from its token strings by id and its merges by rank; the first {@link #BASE_VOCAB_SIZE}
   * tokens must be the special tokens and the byte symbols.
   */
  public BpeModel(List<String> tokens, List<Merge> merges) {
    if (tokens.size() < BASE_VOCAB_SIZE) {
      throw new IllegalArgumentException(
          "a byte-level BPE vocabulary has at least "
              + BASE_VOCAB_SIZE
              + " tokens, not "
              + tokens.size());
    }
    for (int i = 0; i < BASE_VOCAB_SIZE; i++) {
      String expected =
          i < FIRST_BYTE_ID
              ? SPECIAL_TOKENS.get(i)
              : String.valueOf(ByteLevel.charOf(i - FIRST_BYTE_ID));
      if (!tokens.get(i).equals(expected)) {
        throw new IllegalArgumentException(
            "token " + i + " is '" + tokens.get(i) + "', expected '" + expected + "'");
      }
    }
    this.tokens = List.copyOf(tokens);
    this.merges = List.copyOf(merges);
    this.rankOfPair = new HashMap<>();
    for (int r = 0; r < merges.size(); r++) {
      Merge m = merges.get(r);
      String joined = tokens.get(m.left()) + tokens.get(m.right());
      if (!tokens.get(m.result()).equals(joined)) {
        throw new IllegalArgumentException(
            "merge " + r + " gives '" + tokens.get(m.result()) + "', not '" + joined + "'");
      }
      rankOfPair.putIfAbsent(pairKey(m.left(), m.right()), r);
    }
  }

  /** Number of tokens, special ones included. */
  public int vocabSize() {
    return tokens.size();
  }

  /** The token strings by id (byte-level spelling). */
  public List<String> tokens() {
    return tokens;
  }

  /** The merges by rank (the order they were learned). */
  public List<Merge> merges() {
    return merges;
  }

  /** The special ids: pad 0, unk 1, bos 2, eos 3. */
  public SpecialTokens specialTokens() {
    return SpecialTokens.defaults();
  }

  /**
   * The ids of {@code text} as Hugging Face's BPE model gives them: the GPT-2 split, bytes, then
   * repeatedly the adjacent pair of lowest merge rank (leftmost first) is merged. Special-token
   * strings in the text are not recognised (the native tokenizer matches them first).
   */
  public int[] encode(String text) {
    List<Integer> out = new ArrayList<>();
    for (String word : ByteLevel.split(text)) {
      byte[] bytes = ByteLevel.utf8(word);
      int[] ids = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        ids[i] = FIRST_BYTE_ID + (bytes[i] & 0xff);
      }
      int n = ids.length;
      while (n > 1) {
        int best = -1;
        int bestRank = Integer.MAX_VALUE;
        for (int i = 0; i + 1 < n; i++) {
          Integer rank = rankOfPair.get(pairKey(ids[i], ids[i + 1]));
          if (rank != null && rank < bestRank) {
            bestRank = rank;
            best = i;
          }
        }
        if (best < 0) {
          break;
        }
        ids[best] = merges.get(bestRank).result();
        System.arraycopy(ids, best + 2, ids, best + 1, n - best - 2);
        n--;
      }
      for (int i = 0; i < n; i++) {
        out.add(ids[i]);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The text of {@code ids}, special tokens left out; invalid UTF-8 becomes U+FFFD. */
  public String decode(int[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id < 0 || id >= tokens.size()) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside [0, " + tokens.size() + ")");
      }
      if (id < FIRST_BYTE_ID) {
        continue;
      }
      String t = tokens.get(id);
      for (int i = 0; i < t.length(); i++) {
        bytes.write(ByteLevel.byteOf(t.charAt(i)));
      }
    }
    return StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
  }

  /** The Hugging Face {@code tokenizer.json} of this model, as UTF-8 bytes; deterministic. */
  public byte[] toTokenizerJson() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(buf, JsonEncoding.UTF8)) {
      DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
      g.setPrettyPrinter(
          new DefaultPrettyPrinter(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withObjectIndenter(indenter)
              .withArrayIndenter(indenter));
      g.writeStartObject();
      g.writeStringField("version", "1.0");
      g.writeNullField("truncation");
      g.writeNullField("padding");
      g.writeArrayFieldStart("added_tokens");
      for (int id = 0; id < FIRST_BYTE_ID; id++) {
        g.writeStartObject();
        g.writeNumberField("id", id);
        g.writeStringField("content", tokens.get(id));
        g.writeBooleanField("single_word", false);
        g.writeBooleanField("lstrip", false);
        g.writeBooleanField("rstrip", false);
        g.writeBooleanField("normalized", false);
        g.writeBooleanField("special", true);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNullField("normalizer");
      g.writeObjectFieldStart("pre_tokenizer");
      writeByteLevel(g, false);
      g.writeEndObject();
      g.writeNullField("post_processor");
      g.writeObjectFieldStart("decoder");
      writeByteLevel(g, true);
      g.writeEndObject();
      g.writeObjectFieldStart("model");
      g.writeStringField("type", "BPE");
      g.writeNullField("dropout");
      g.writeNullField("unk_token");
      g.writeNullField("continuing_subword_prefix");
      g.writeNullField("end_of_word_suffix");
      g.writeBooleanField("fuse_unk", false);
      g.writeObjectFieldStart("vocab");
      for (int id = 0; id < tokens.size(); id++) {
        g.writeNumberField(tokens.get(id), id);
      }
      g.writeEndObject();
      // "left right" strings: byte-level symbols never contain a space.
      g.writeArrayFieldStart("merges");
      for (Merge m : merges) {
        g.writeString(tokens.get(m.left()) + " " + tokens.get(m.right()));
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      g.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  /** Writes {@link #toTokenizerJson()} to {@code file} atomically. */
  public void write(Path file) throws IOException {
    byte[] json = toTokenizerJson();
    AtomicFiles.write(
        file,
        out -> {
          ByteBuffer b = ByteBuffer.wrap(json);
          while (b.hasRemaining()) {
            out.write(b);
          }
        });
  }

  static long pairKey(int left, int right) {
    return ((long) left << 32) | (right & 0xffffffffL);
  }

  private static void writeByteLevel(JsonGenerator g, boolean addPrefixSpace) throws IOException {
    g.writeStringField("type", "ByteLevel");
    g.writeBooleanField("add_prefix_space", addPrefixSpace);
    g.writeBooleanField("trim_offsets", true);
    g.writeBooleanField("use_regex", true);
  }
}

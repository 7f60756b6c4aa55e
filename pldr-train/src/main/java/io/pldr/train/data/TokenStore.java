package io.pldr.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.text.HfTokenizer;
import io.pldr.tf.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes corpora into binary token files ({@link TokenFile}) and keeps them in a cache folder: one
 * entry per (sources, tokenizer), keyed by a hash of the corpus fingerprint (each file's path, size
 * and modification time) and the tokenizer file's content, so a second run maps the file instead of
 * encoding again. An entry is {@code tokens.bin} (ids, an end-of-text id after every document) and
 * {@code tokens.json} (its description, written last: an entry without it is incomplete and is
 * encoded again). Both are written atomically.
 */
public final class TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(TokenStore.class);

  /** Version of the token file layout; part of the cache key. */
  public static final String FORMAT = "pldr-tokens-1";

  /** Name of the ids file inside an entry. */
  public static final String TOKENS_FILE = "tokens.bin";

  /** Name of the description file inside an entry. */
  public static final String METADATA_FILE = "tokens.json";

  private static final int BATCH_DOCUMENTS = 256;
  private static final long BATCH_CHARS = 4L << 20;
  private static final long LOG_EVERY_TOKENS = 50_000_000L;

  /** What an encoding produced. */
  public record Stats(long tokens, long documents, TokenFile.Width width, long nanos) {
    /** Tokens encoded per second. */
    public double tokensPerSecond() {
      return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }
  }

  private final Path root;
  private final ObjectMapper json = new ObjectMapper();

  /** A store whose entries live under {@code root} (created when first needed). */
  public TokenStore(Path root) {
    this.root = root;
  }

  /** The cache folder. */
  public Path root() {
    return root;
  }

  /** The tokens of {@code corpus} under a tokenizer file, from the cache or encoded now. */
  public TokenFile open(Corpus corpus, HfTokenizer tokenizer) throws IOException {
    return open(corpus, tokenizer, Fingerprint.ofFile(tokenizer.file()));
  }

  /**
   * The tokens of {@code corpus} under {@code tokenizer}, from the cache or encoded now; {@code
   * tokenizerFingerprint} must change whenever the tokenizer's ids could.
   */
  public TokenFile open(Corpus corpus, Tokenizer tokenizer, String tokenizerFingerprint)
      throws IOException {
    Path dir = entryDir(corpus, tokenizerFingerprint);
    Path tokens = dir.resolve(TOKENS_FILE);
    Path meta = dir.resolve(METADATA_FILE);
    TokenFile.Width width = TokenFile.Width.forVocabSize(tokenizer.vocabSize());
    if (isComplete(tokens, meta, width)) {
      TokenFile file = TokenFile.open(tokens, width);
      LOG.info("Tokens of {}: {} ids from the cache {}", corpus.describe(), file.size(), dir);
      return file;
    }
    Stats stats = encode(corpus, tokenizer, tokens);
    ObjectNode m = json.createObjectNode();
    m.put("format", FORMAT);
    m.put("dtype", width.numpy());
    m.put("tokens", stats.tokens());
    m.put("documents", stats.documents());
    m.put("vocab_size", tokenizer.vocabSize());
    m.put("eos", tokenizer.specialTokens().eos());
    m.put("tokenizer_sha256", tokenizerFingerprint);
    m.put("corpus_fingerprint", corpus.fingerprint());
    corpus.sources().forEach(s -> m.withArray("sources").add(s.name()));
    byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
    AtomicFiles.write(meta, out -> writeFully(out, ByteBuffer.wrap(bytes)));
    return TokenFile.open(tokens, width);
  }

  /** The entry folder of a corpus and tokenizer. */
  public Path entryDir(Corpus corpus, String tokenizerFingerprint) {
    return root.resolve(
        Fingerprint.of(FORMAT, corpus.fingerprint(), tokenizerFingerprint).substring(0, 32));
  }

  /**
   * Encodes every document of {@code corpus} into {@code file} (atomically), each followed by the
   * end-of-text id; memory stays bounded (a batch of documents and a 1 MiB buffer).
   */
  public static Stats encode(Corpus corpus, Tokenizer tokenizer, Path file) throws IOException {
    int vocab = tokenizer.vocabSize();
    int eos = tokenizer.specialTokens().eos();
    TokenFile.Width width = TokenFile.Width.forVocabSize(vocab);
    long start = System.nanoTime();
    long[] counts = new long[2];
    AtomicFiles.write(
        file,
        out -> {
          Writer w = new Writer(out, width, vocab, corpus.describe());
          try (Stream<String> docs = corpus.documents()) {
            Iterator<String> it = docs.iterator();
            List<String> batch = new ArrayList<>();
            long chars = 0;
            while (it.hasNext()) {
              String d = it.next();
              batch.add(d);
              chars += d.length();
              if (batch.size() >= BATCH_DOCUMENTS || chars >= BATCH_CHARS) {
                w.documents(encodeAll(tokenizer, batch), eos);
                batch.clear();
                chars = 0;
              }
            }
            w.documents(encodeAll(tokenizer, batch), eos);
          }
          w.flush();
          counts[0] = w.tokens;
          counts[1] = w.documents;
        });
    Stats stats = new Stats(counts[0], counts[1], width, System.nanoTime() - start);
    LOG.info(
        "Encoded {} documents of {} into {} tokens ({}) in {} ms, {} tokens/s: {}",
        stats.documents(),
        corpus.describe(),
        stats.tokens(),
        width,
        stats.nanos() / 1_000_000,
        Math.round(stats.tokensPerSecond()),
        file);
    return stats;
  }

  private boolean isComplete(Path tokens, Path meta, TokenFile.Width width) {
    if (!Files.isRegularFile(tokens) || !Files.isRegularFile(meta)) {
      return false;
    }
    try {
      JsonNode m = json.readTree(meta.toFile());
      return FORMAT.equals(m.path("format").asText())
          && width.numpy().equals(m.path("dtype").asText())
          && m.path("tokens").asLong(-1) * width.bytes() == Files.size(tokens);
    } catch (IOException e) {
      LOG.warn("Ignoring the unreadable cache entry {}: {}", meta, e.getMessage());
      return false;
    }
  }

  private static int[][] encodeAll(Tokenizer tokenizer, List<String> docs) {
    if (docs.isEmpty()) {
      return new int[0][];
    }
    if (tokenizer instanceof HfTokenizer hf) {
      return hf.encodeBatch(docs);
    }
    int[][] out = new int[docs.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = tokenizer.encode(docs.get(i));
    }
    return out;
  }

  private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  /** Buffers ids and writes them in the file's width. */
  private static final class Writer {
    private final FileChannel out;
    private final TokenFile.Width width;
    private final int vocab;
    private final String sources;
    private final ByteBuffer buf =
        ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    long tokens;
    long documents;
    private long nextLog = LOG_EVERY_TOKENS;

    Writer(FileChannel out, TokenFile.Width width, int vocab, String sources) {
      this.out = out;
      this.width = width;
      this.vocab = vocab;
      this.sources = sources;
    }

    void documents(int[][] docs, int eos) throws IOException {
      for (int[] ids : docs) {
        for (int id : ids) {
          put(id);
        }
        put(eos);
        documents++;
      }
      if (tokens >= nextLog) {
        LOG.info("Encoding {}: {} documents, {} tokens so far", sources, documents, tokens);
        nextLog += LOG_EVERY_TOKENS;
      }
    }

    private void put(int id) throws IOException {
      if (id < 0 || id >= vocab) {
        throw new IllegalStateException(
            "the tokenizer gave id " + id + " outside its vocabulary" + " [0, " + vocab + ")");
      }
      if (buf.remaining() < width.bytes()) {
        flush();
      }
      if (width == TokenFile.Width.UINT16) {
        buf.putShort((short) id);
      } else {
        buf.putInt(id);
      }
      tokens++;
    }

    void flush() throws IOException {
      buf.flip();
      writeFully(out, buf);
      buf.clear();
    }
  }
}

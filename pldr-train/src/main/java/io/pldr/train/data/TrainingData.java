package io.pldr.train.data;

import io.pldr.api.config.DataConfig;
import io.pldr.api.config.TokenizerConfig;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.text.Tokenizers;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.io.AtomicFiles;
import io.pldr.train.tokenizer.BpeModel;
import io.pldr.train.tokenizer.BpeTrainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data side of a training run, from its {@link TrainConfig}: the corpus, the tokenizer (the
 * configured file, or one trained on the corpus and cached), the cached token file, its windows and
 * split, the unigram entropy of the training targets, and the batch iterators. The run's tokenizer
 * is kept in {@code out_dir/tokenizer.json}; when no tokenizer file is configured an existing one
 * there is reused, so a resumed run keeps its ids. Close it to free the tokenizer.
 */
public final class TrainingData implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

  /** Name of the tokenizer file in the run's output folder. */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** Version of the tokenizer trainer; part of the key of cached trained tokenizers. */
  public static final String TRAINER_VERSION = "pldr-bpe-1";

  private final Corpus corpus;
  private final Tokenizer tokenizer;
  private final Path tokenizerFile;
  private final TokenFile tokens;
  private final PackedSequences sequences;
  private final UnigramEntropy unigramEntropy;
  private final int batchSize;
  private final long seed;
  private final int evalBatches;

  private TrainingData(
      Corpus corpus,
      Tokenizer tokenizer,
      Path tokenizerFile,
      TokenFile tokens,
      PackedSequences sequences,
      UnigramEntropy unigramEntropy,
      TrainConfig config) {
    this.corpus = corpus;
    this.tokenizer = tokenizer;
    this.tokenizerFile = tokenizerFile;
    this.tokens = tokens;
    this.sequences = sequences;
    this.unigramEntropy = unigramEntropy;
    this.batchSize = config.getBatchSize();
    this.seed = config.hasDataSeed() ? config.getDataSeed() : config.getSeed();
    this.evalBatches = config.getEvalBatches();
  }

  /**
   * Prepares the data of {@code config}; trained tokenizers and token files are cached under {@code
   * cacheDir} ({@code tokenizers/} and {@code tokens/}).
   */
  public static TrainingData prepare(TrainConfig config, Path cacheDir) throws IOException {
    if (config.getBatchSize() < 1 || config.getSeqLen() < 1) {
      throw new IllegalArgumentException(
          "batch_size ("
              + config.getBatchSize()
              + ") and seq_len ("
              + config.getSeqLen()
              + ") must be positive");
    }
    DataConfig data = config.getData();
    Corpus corpus = Corpus.fromConfig(data);
    Path tokenizerFile = tokenizerFile(config, corpus, cacheDir);
    Tokenizer tokenizer = Tokenizers.load(tokenizerFile);
    try {
      TokenFile tokens =
          new TokenStore(cacheDir.resolve("tokens"))
              .open(corpus, tokenizer, Fingerprint.ofFile(tokenizerFile));
      PackedSequences sequences =
          new PackedSequences(
              tokens,
              config.getSeqLen(),
              PackedSequences.validationFraction(data),
              corpus.describe());
      UnigramEntropy entropy = UnigramEntropy.ofTraining(sequences);
      LOG.info(
          "Data: {} tokens of {}, vocabulary {}; {} training and {} validation windows of"
              + " {}+1 tokens; unigram entropy {} nats/token",
          tokens.size(),
          corpus.describe(),
          tokenizer.vocabSize(),
          sequences.trainWindows(),
          sequences.validationWindows(),
          sequences.seqLen(),
          String.format("%.4f", entropy.nats()));
      return new TrainingData(corpus, tokenizer, tokenizerFile, tokens, sequences, entropy, config);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /**
   * The tokenizer file of a run: the configured one (copied into {@code out_dir}), else an existing
   * {@code out_dir/tokenizer.json}, else one trained on the corpus (cached under {@code
   * cacheDir/tokenizers} by corpus fingerprint and settings, and copied into {@code out_dir}).
   */
  public static Path tokenizerFile(TrainConfig config, Corpus corpus, Path cacheDir)
      throws IOException {
    TokenizerConfig tc = config.getData().getTokenizer();
    Path outDir = config.getOutDir().isEmpty() ? null : Path.of(config.getOutDir());
    Path runCopy = outDir == null ? null : outDir.resolve(TOKENIZER_FILE);
    Path source;
    if (!tc.getPath().isEmpty()) {
      source = Path.of(tc.getPath());
      if (!Files.isRegularFile(source)) {
        throw new IOException("tokenizer file " + source + " (data.tokenizer.path) not found");
      }
      String name = source.getFileName().toString();
      if (!name.endsWith(".model") && !name.endsWith(".json")) {
        throw new IOException(
            source
                + " (data.tokenizer.path): expected a SentencePiece model (.model) or a Hugging"
                + " Face tokenizer.json (.json)");
      }
      if (outDir != null) {
        runCopy = outDir.resolve(CheckpointStore.tokenizerName(source));
      }
    } else if (outDir != null
        && Files.isRegularFile(outDir.resolve(CheckpointStore.SENTENCEPIECE_FILE))) {
      LOG.info(
          "Reusing the run's tokenizer {}", outDir.resolve(CheckpointStore.SENTENCEPIECE_FILE));
      return outDir.resolve(CheckpointStore.SENTENCEPIECE_FILE);
    } else if (runCopy != null && Files.isRegularFile(runCopy)) {
      LOG.info("Reusing the run's tokenizer {}", runCopy);
      return runCopy;
    } else {
      BpeTrainer trainer = BpeTrainer.fromConfig(tc, config.getModel().getVocabSize());
      String key =
          Fingerprint.of(
              TRAINER_VERSION,
              corpus.fingerprint(),
              Integer.toString(trainer.vocabSize()),
              Integer.toString(trainer.minFrequency()));
      source = cacheDir.resolve("tokenizers").resolve(key.substring(0, 32)).resolve(TOKENIZER_FILE);
      if (Files.isRegularFile(source)) {
        LOG.info("Tokenizer for {} from the cache {}", corpus.describe(), source);
      } else {
        LOG.info(
            "Training a {}-token byte-level BPE tokenizer on {}",
            trainer.vocabSize(),
            corpus.describe());
        BpeModel model;
        try (Stream<String> docs = corpus.documents()) {
          model = trainer.train(docs);
        }
        model.write(source);
      }
    }
    if (runCopy == null) {
      return source;
    }
    byte[] bytes = Files.readAllBytes(source);
    if (!Files.isRegularFile(runCopy) || !Arrays.equals(bytes, Files.readAllBytes(runCopy))) {
      if (Files.exists(runCopy)) {
        LOG.warn("Replacing the run's tokenizer {} with {}", runCopy, source);
      }
      AtomicFiles.write(
          runCopy,
          out -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
              out.write(b);
            }
          });
    }
    return runCopy;
  }

  /** The corpus. */
  public Corpus corpus() {
    return corpus;
  }

  /** The tokenizer (owned by this object). */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** The tokenizer's file: a {@code tokenizer.json} or a SentencePiece {@code tokenizer.model}. */
  public Path tokenizerFile() {
    return tokenizerFile;
  }

  /** The encoded corpus. */
  public TokenFile tokens() {
    return tokens;
  }

  /** The windows and their split. */
  public PackedSequences sequences() {
    return sequences;
  }

  /** The unigram entropy of the training targets. */
  public UnigramEntropy unigramEntropy() {
    return unigramEntropy;
  }

  /**
   * Training batches of {@code batch_size} rows in the order given by {@code data_seed}, or by
   * {@code seed} when it is unset.
   */
  public BatchIterator trainBatches(DataPosition from) {
    return sequences.trainBatches(batchSize, seed, from);
  }

  /** Validation batches of {@code batch_size} rows, at most {@code eval_batches} (0: all). */
  public Iterable<long[][]> validationBatches() {
    return sequences.validationBatches(batchSize, evalBatches);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}

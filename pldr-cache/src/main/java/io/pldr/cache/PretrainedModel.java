package io.pldr.cache;

import com.google.inject.Module;
import io.pldr.api.cache.GCache;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.model.WeightFormat;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.generate.Generator;
import io.pldr.cache.score.LogLikelihoods;
import io.pldr.cache.score.Scorer;
import io.pldr.cache.text.TokenizerCheck;
import io.pldr.cache.text.Tokenizers;
import io.pldr.tf.checkpoint.ModelFingerprint;
import io.pldr.tf.checkpoint.ModelFolder;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.runtime.ParameterCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained PLDR-LLM ready for inference, loaded in one call from a pldr checkpoint folder or a
 * Hugging Face model folder of the PLDR-LLM port ({@link ModelFolder#open}): its configuration,
 * tensor operator and attention (resolved by Guice, plug-ins included), its parameters, its
 * tokenizer and special ids. It gives a {@link Generator} and a {@link Scorer}, infers G-caches,
 * and frees its native memory when closed. Safe for use from several threads.
 *
 * <pre>{@code
 * try (PretrainedModel model = PretrainedModel.load(Path.of("runs/moby-dick-small"))) {
 *   Generation g = model.generator().generate("Call me Ishmael.", SamplingConfig.greedy(20),
 *       CacheMode.KV_G, piece -> {});
 * }
 * }</pre>
 */
public final class PretrainedModel implements AutoCloseable {
  private final ModelFolder checkpoint;
  private final ModelSpec spec;
  private final Tokenizer tokenizer;
  private final CachedDecoder decoder;
  private final Optional<GCache> gCache;

  private PretrainedModel(
      ModelFolder checkpoint,
      ModelSpec spec,
      Tokenizer tokenizer,
      CachedDecoder decoder,
      Optional<GCache> gCache) {
    this.checkpoint = checkpoint;
    this.spec = spec;
    this.tokenizer = tokenizer;
    this.decoder = decoder;
    this.gCache = gCache;
  }

  /**
   * Loads a checkpoint folder, a run folder's newest checkpoint or a Hugging Face model folder, as
   * it was trained.
   */
  public static PretrainedModel load(Path dir) throws IOException {
    return loader(dir).load();
  }

  /** A loader of a checkpoint folder (or a run folder's newest checkpoint) with options. */
  public static Loader loader(Path dir) {
    return new Loader(dir);
  }

  /** Options of loading: precision, a fixed G-cache, extra Guice modules. */
  public static final class Loader {
    private final Path dir;
    private Optional<Precision> precision = Optional.empty();
    private WeightFormat weights = WeightFormat.FLOAT32;
    private Optional<Path> gCacheFile = Optional.empty();
    private boolean allowForeignGCache;
    private final List<Module> modules = new ArrayList<>();

    private Loader(Path dir) {
      this.dir = dir;
    }

    /** Runs the model in {@code precision} (float64 for invariance measurements). */
    public Loader precision(Precision precision) {
      this.precision = Optional.of(precision);
      return this;
    }

    /**
     * Stores the model's matrices in {@code weights} for inference (float32 by default): bfloat16
     * or int8 take half or a quarter of the bytes per decoded token, computed from the checkpoint's
     * float32 values when it is loaded. A float64 model takes float32 only.
     */
    public Loader weights(WeightFormat weights) {
      this.weights = java.util.Objects.requireNonNull(weights, "weights");
      return this;
    }

    /**
     * Decodes every prompt with the A_LM and G_LM of this G-cache file ({@code pldr gcache}), so
     * that no pass runs the deep net of PLGA. The file is checked: its checksum, finite values, and
     * that it was inferred from this model (see {@link #allowForeignGCache}).
     */
    public Loader gCache(Path file) {
      this.gCacheFile = Optional.of(file);
      return this;
    }

    /**
     * Whether the G-cache file may come from another model (of the same shape) on purpose, as in a
     * transfer experiment: its checksum and values are still checked, its model fingerprint is not.
     * By default such a file is refused ({@code --allow-foreign-g-cache} on the command line).
     */
    public Loader allowForeignGCache(boolean allow) {
      this.allowForeignGCache = allow;
      return this;
    }

    /** Guice modules with operators or attention variants of one's own. */
    public Loader modules(Module... extra) {
      modules.addAll(List.of(extra));
      return this;
    }

    /**
     * Loads. Everything is checked before the model's graphs are built: the checkpoint's format and
     * checksums, the configuration's operator and attention, the tokenizer (present, of the model's
     * vocabulary size, with the model's special ids) and every parameter's shape; a failure names
     * the file and what was expected.
     */
    public PretrainedModel load() throws IOException {
      ModelFolder checkpoint = ModelFolder.open(dir);
      ModelConfig config = checkpoint.modelConfig();
      if (precision.isPresent()) {
        config = config.toBuilder().setPrecision(precision.get()).build();
      }
      ModelSpec spec = PldrInjectors.spec(config, modules.toArray(Module[]::new));
      Optional<GCache> fixed = Optional.empty();
      if (gCacheFile.isPresent()) {
        fixed =
            Optional.of(
                GCacheFile.load(
                    gCacheFile.get(),
                    spec.config(),
                    ModelFingerprint.of(checkpoint),
                    allowForeignGCache));
      }
      Path tokenizerFile = checkpoint.tokenizerFile();
      Tokenizer tokenizer = Tokenizers.load(tokenizerFile);
      CachedDecoder decoder = null;
      try {
        TokenizerCheck.check(tokenizer, tokenizerFile, spec.config());
        Map<String, HostTensor> parameters = checkpoint.model();
        ParameterCheck.check(
            ModelGraph.parameterSpecs(spec), parameters, checkpoint.parametersSource());
        decoder = new CachedDecoder(spec, weights);
        decoder.load(parameters);
        return new PretrainedModel(checkpoint, spec, tokenizer, decoder, fixed);
      } catch (IOException | RuntimeException e) {
        if (decoder != null) {
          decoder.close();
        }
        tokenizer.close();
        throw e;
      }
    }
  }

  /** The model's configuration. */
  public ModelConfig config() {
    return spec.config();
  }

  /** The model's configuration with the operator and attention it names. */
  public ModelSpec spec() {
    return spec;
  }

  /** The checkpoint it was loaded from. */
  public ModelFolder checkpoint() {
    return checkpoint;
  }

  /**
   * The model's fingerprint ({@link ModelFingerprint}): what a G-cache file inferred from it
   * records, to be checked against when it is loaded.
   */
  public String fingerprint() throws IOException {
    return ModelFingerprint.of(checkpoint);
  }

  /**
   * Infers the G-cache of {@code prompt} ({@link #inferGCache}) and saves it to {@code file} with
   * this model's fingerprint and the tensors' checksum.
   */
  public void saveGCache(Path file, String prompt) throws IOException {
    GCacheFile.save(file, config(), inferGCache(prompt), fingerprint());
  }

  /** The model's tokenizer. */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /** The ids of the special tokens. */
  public SpecialTokens specialTokens() {
    return tokenizer.specialTokens();
  }

  /** The decoder itself, for token-level work (prompt passes, steps in any cache mode). */
  public CachedDecoder decoder() {
    return decoder;
  }

  /** The G-cache every prompt is decoded with, if one was loaded. */
  public Optional<GCache> gCache() {
    return gCache;
  }

  /**
   * A generator: streaming, sampling, stop strings, batches; with the loaded G-cache if there is
   * one, else each prompt's own.
   */
  public Generator generator() {
    return new Generator(decoder, tokenizer, gCache);
  }

  /** A generator that decodes every prompt with {@code gCache}. */
  public Generator generator(GCache gCache) {
    return new Generator(decoder, tokenizer, gCache);
  }

  /**
   * A scorer of continuations: with G-cache (the loaded G-cache if there is one, else each
   * context's A_LM and G_LM, computed once) or without (every input computed whole).
   */
  public Scorer scorer(boolean withGCache) {
    return new Scorer(
        decoder,
        tokenizer,
        new LogLikelihoods.Options(withGCache, 16),
        withGCache ? gCache : Optional.empty());
  }

  /** A scorer that scores every context with {@code gCache} (one fixed A_LM and G_LM). */
  public Scorer scorer(GCache gCache) {
    return new Scorer(
        decoder, tokenizer, new LogLikelihoods.Options(true, 16), Optional.of(gCache));
  }

  /**
   * Infers the G-cache of a prompt: every layer's A_LM and G_LM from the prompt's pass. Save it
   * with {@link GCacheFile#save} (and {@link #fingerprint}), or use {@link #saveGCache}, to decode
   * later without the deep net.
   */
  public GCache inferGCache(String prompt) {
    long[] ids = Generator.promptIds(tokenizer, prompt);
    try (DecodeState state = decoder.prefill(new long[][] {ids}).state()) {
      return state.gCache();
    }
  }

  /**
   * Every deductive output of a prompt's pass, per layer: A, A_LM, A_P, G_LM and the attention
   * weights E (A and A_P absent for a constant operator, which has neither). The prompt is encoded
   * as {@link #inferGCache} encodes it, so A_LM and G_LM are that G-cache's; the model's own deep
   * net computes them, whatever G-cache the model was loaded with.
   */
  public DeductiveTensors deductiveOutputs(String prompt) {
    return decoder.deductive(Generator.promptIds(tokenizer, prompt));
  }

  /** Frees the model's native memory (graphs, session, tensors) and the tokenizer's. */
  @Override
  public void close() {
    decoder.close();
    tokenizer.close();
  }
}

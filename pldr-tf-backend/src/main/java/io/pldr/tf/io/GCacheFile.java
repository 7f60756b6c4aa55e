package io.pldr.tf.io;

import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A G-cache saved to a file: per layer A_LM and G_LM ({@code layer{i}.A_LM}, {@code layer{i}.G_LM},
 * each {@code [1, H, d, d]}) in safetensors, with a header naming the format, the model shape, the
 * SHA-256 of the tensors ({@value #SHA256}) and the fingerprint of the model the G-cache was
 * inferred from ({@value #MODEL}, see {@code io.pldr.tf.checkpoint.ModelFingerprint}). Inferred
 * once, it lets later runs decode without the deep net.
 *
 * <p>Loading checks the shape, the checksum (a file whose bytes changed is refused as damaged) and
 * that every A_LM and G_LM value is finite; {@link #load(Path, ModelConfig, String, boolean)} also
 * checks that the file comes from the model it is used with, unless another model's G-cache is used
 * on purpose. Files written before the checksum and fingerprint existed (format version 1) still
 * load, with a warning that they cannot be verified.
 *
 * <p>{@link #load} also reads the reference implementation's pickled G files (a name ending in
 * {@code .pkl}, read by {@link TorchPickle}): a list with one entry per decoder layer, either G_LM
 * {@code [1, H, d, d]} alone (its {@code ablation/predefined-G_LM} files, v510G's {@code
 * Gcachelst}) or a pair [A_LM, G_LM] (v510's {@code Gcachelst_init}, its {@code
 * ablation/negative-test-G-init} files). Where the file holds G_LM alone, A_LM is zero: the
 * reference's v510G has no A_LM at all, attention reads only G_LM, and the reference's own pair
 * files made from a predefined G_LM hold a zero A_LM (as the {@code random} operator does). Neither
 * these nor a Hugging Face weights file's {@value #PAST_G} record a checksum or a model: they are
 * checked for shape and finiteness only.
 */
public final class GCacheFile {
  private static final Logger LOG = LoggerFactory.getLogger(GCacheFile.class);

  /** The format name in the file's metadata. */
  public static final String FORMAT = "pldr-gcache";

  /** The format's version: 2 adds {@value #SHA256} and {@value #MODEL}. */
  public static final String VERSION = "2";

  /** The metadata key of the SHA-256 (hex) of the file's data section, the tensors' bytes. */
  public static final String SHA256 = "tensors_sha256";

  /** The metadata key of the fingerprint of the model the G-cache was inferred from. */
  public static final String MODEL = "model_fingerprint";

  /** The option of {@code generate}, {@code eval} and {@code serve} that allows a foreign file. */
  public static final String ALLOW_FOREIGN_OPTION = "--allow-foreign-g-cache";

  private GCacheFile() {}

  /**
   * Writes {@code gCache} (row 0 of each batch) for a model of {@code config} whose fingerprint is
   * {@code modelFingerprint} (the model it was inferred from), with the tensors' SHA-256,
   * atomically.
   */
  public static void save(Path file, ModelConfig config, GCache gCache, String modelFingerprint)
      throws IOException {
    Objects.requireNonNull(modelFingerprint, "modelFingerprint");
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    int h = config.getNumHeads();
    int d = config.getDModel() / h;
    for (int i = 0; i < gCache.numLayers(); i++) {
      tensors.put("layer" + i + ".A_LM", firstRow(gCache.layer(i).aLm(), h, d));
      tensors.put("layer" + i + ".G_LM", firstRow(gCache.layer(i).gLm(), h, d));
    }
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      requireFinite(file, e.getKey(), e.getValue(), "the model it was inferred from diverged");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", FORMAT);
    metadata.put("version", VERSION);
    metadata.put("num_layers", Integer.toString(config.getNumLayers()));
    metadata.put("num_heads", Integer.toString(h));
    metadata.put("depth", Integer.toString(d));
    metadata.put("d_model", Integer.toString(config.getDModel()));
    metadata.put("vocab_size", Integer.toString(config.getVocabSize()));
    metadata.put("tensor_operator", config.getTensorOperator().getName());
    metadata.put(MODEL, modelFingerprint);
    metadata.put(SHA256, Safetensors.dataSha256(tensors));
    Safetensors.write(file, tensors, metadata);
  }

  /**
   * The Hugging Face port's buffer of predefined deductive outputs, {@code [layers, 3, 1, heads, d,
   * d]} (A, A_LM, G_LM per layer), which a weights file of a model with {@code custom_G_type}
   * holds.
   */
  public static final String PAST_G = "decoder.past_G_values";

  private static GCache pastGValues(Path file, HostTensor t, ModelConfig config)
      throws IOException {
    int l = config.getNumLayers();
    int h = config.getNumHeads();
    int d = config.getDModel() / h;
    Shape want = Shape.of(l, 3, 1, h, d, d);
    if (!t.shape().equals(want)) {
      throw new IOException(
          file + ": tensor '" + PAST_G + "' has shape " + t.shape() + ", expected " + want);
    }
    float[] all = t.toFloatArray();
    int block = h * d * d;
    List<LayerDeductive> layers = new ArrayList<>();
    for (int i = 0; i < l; i++) {
      float[] a = java.util.Arrays.copyOfRange(all, (3 * i + 1) * block, (3 * i + 2) * block);
      float[] g = java.util.Arrays.copyOfRange(all, (3 * i + 2) * block, (3 * i + 3) * block);
      layers.add(
          new LayerDeductive(
              HostTensor.wrapFloats(Shape.of(1, h, d, d), a),
              HostTensor.wrapFloats(Shape.of(1, h, d, d), g)));
    }
    return new GCache(layers);
  }

  private static HostTensor firstRow(HostTensor t, int h, int d) {
    double[] v = java.util.Arrays.copyOf(t.toDoubleArray(), h * d * d);
    return HostTensor.wrap(t.dtype(), Shape.of(1, h, d, d), v);
  }

  /**
   * Reads a G-cache for a model of {@code config} whatever model it was inferred from (as the
   * {@code external} and {@code transferred} operators use one on purpose): a pldr G-cache file, a
   * Hugging Face weights file holding {@value #PAST_G} (its A_LM and G_LM), or the reference's
   * pickled G file (name ending in {@code .pkl}). A file of another format, or from a model of
   * another shape, fails naming the file and both shapes; a damaged file (checksum mismatch) or a
   * NaN or infinite value fails naming the file (and the tensor).
   */
  public static GCache load(Path file, ModelConfig config) throws IOException {
    return load(file, config, null, true);
  }

  /**
   * Reads a G-cache as {@link #load(Path, ModelConfig)} does, for the model whose fingerprint is
   * {@code modelFingerprint}: a pldr G-cache file inferred from another model (of the same shape)
   * fails naming the file, both fingerprints and {@value #ALLOW_FOREIGN_OPTION}, unless {@code
   * allowForeign}. A file that cannot tell its model (written before version 2, the reference's
   * pickle, a Hugging Face weights file other than this model's own) loads with a warning.
   *
   * @param modelFingerprint the fingerprint of the model the G-cache is used with, or null to check
   *     no model
   */
  public static GCache load(
      Path file, ModelConfig config, String modelFingerprint, boolean allowForeign)
      throws IOException {
    GCache g;
    if (isPickle(file)) {
      g = fromPickle(file, config);
      if (modelFingerprint != null && !allowForeign) {
        LOG.warn(
            "{}: the reference's pickled G file records no model: not checked to come from this"
                + " model",
            file);
      }
    } else {
      Safetensors.Contents c =
          Safetensors.read(file, name -> name.startsWith("layer") || name.equals(PAST_G));
      if (c.tensors().containsKey(PAST_G)) {
        g = pastGValues(file, c.tensors().get(PAST_G), config);
        if (modelFingerprint != null
            && !allowForeign
            && !modelFingerprint.equals(
                io.pldr.tf.checkpoint.ModelFingerprint.PREFIX
                    + io.pldr.tf.checkpoint.ModelFingerprint.file(file))) {
          LOG.warn(
              "{}: the {} of a Hugging Face weights file other than this model's own: not checked"
                  + " to come from this model",
              file,
              PAST_G);
        }
      } else {
        g = fromGCacheFile(file, c, config, modelFingerprint, allowForeign);
      }
    }
    for (int i = 0; i < g.numLayers(); i++) {
      requireFinite(file, "layer" + i + ".A_LM", g.layer(i).aLm(), DAMAGED);
      requireFinite(file, "layer" + i + ".G_LM", g.layer(i).gLm(), DAMAGED);
    }
    return g;
  }

  private static GCache fromGCacheFile(
      Path file,
      Safetensors.Contents c,
      ModelConfig config,
      String modelFingerprint,
      boolean allowForeign)
      throws IOException {
    if (!FORMAT.equals(c.metadata().get("format"))) {
      throw new IOException(
          file
              + ": not a G-cache file (format '"
              + c.metadata().get("format")
              + "', expected '"
              + FORMAT
              + "')");
    }
    int h = config.getNumHeads();
    int d = config.getDModel() / h;
    String expected = config.getNumLayers() + " layers × " + h + " heads × depth " + d;
    String found =
        c.metadata().get("num_layers")
            + " layers × "
            + c.metadata().get("num_heads")
            + " heads × depth "
            + c.metadata().get("depth");
    if (!expected.equals(found)) {
      throw new IOException(
          file
              + ": G-cache of a model with "
              + found
              + ", expected "
              + expected
              + " (this model's shape)");
    }
    String recorded = c.metadata().get(SHA256);
    if (recorded == null) {
      LOG.warn(
          "{}: a G-cache file of format version {} (written before G-cache files recorded a"
              + " checksum and their model): it cannot be checked for damage nor to come from this"
              + " model; write it again with 'pldr gcache' to have it checked",
          file,
          c.metadata().getOrDefault("version", "1"));
    } else {
      String actual = Safetensors.dataSha256(file);
      if (!actual.equals(recorded)) {
        throw new IOException(
            file
                + ": damaged G-cache file (checksum mismatch: its tensors' SHA-256 is "
                + actual
                + ", the file records "
                + recorded
                + "); infer it again with 'pldr gcache'");
      }
      String from = c.metadata().get(MODEL);
      if (modelFingerprint != null && !modelFingerprint.equals(from)) {
        if (!allowForeign) {
          throw new IOException(
              file
                  + ": a G-cache of another model (model fingerprint "
                  + from
                  + ", expected "
                  + modelFingerprint
                  + ", this model's; both of "
                  + expected
                  + "). To use another model's G-cache on purpose, pass "
                  + ALLOW_FOREIGN_OPTION
                  + " (Java: PretrainedModel.Loader.allowForeignGCache(true))");
        }
        LOG.info(
            "{}: using a G-cache of another model (fingerprint {}) on purpose with this model ({})",
            file,
            from,
            modelFingerprint);
      }
    }
    List<LayerDeductive> layers = new ArrayList<>();
    for (int i = 0; i < config.getNumLayers(); i++) {
      HostTensor a = c.tensors().get("layer" + i + ".A_LM");
      HostTensor g = c.tensors().get("layer" + i + ".G_LM");
      Shape want = Shape.of(1, h, d, d);
      if (a == null || g == null || !a.shape().equals(want) || !g.shape().equals(want)) {
        throw new IOException(
            file
                + ": layer "
                + i
                + " needs A_LM and G_LM of shape "
                + want
                + ", found "
                + (a == null ? "no A_LM" : "A_LM " + a.shape())
                + " and "
                + (g == null ? "no G_LM" : "G_LM " + g.shape()));
      }
      layers.add(new LayerDeductive(a, g));
    }
    return new GCache(layers);
  }

  private static final String DAMAGED = "the model it came from diverged or the file is damaged";

  /** Fails naming the file and the tensor if {@code t} holds a NaN or an infinity. */
  private static void requireFinite(Path file, String name, HostTensor t, String why)
      throws IOException {
    java.util.OptionalInt bad = t.firstNonFinite();
    if (bad.isPresent()) {
      int i = bad.getAsInt();
      throw new IOException(
          file
              + ": tensor '"
              + name
              + "' holds "
              + t.get(i)
              + " at index "
              + i
              + " (a G-cache's A_LM and G_LM must be finite; "
              + why
              + ")");
    }
  }

  /** Whether {@code file} is read as the reference's pickle: its name ends in .pkl or .pickle. */
  public static boolean isPickle(Path file) {
    Path name = file.getFileName();
    String n = name == null ? "" : name.toString().toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".pkl") || n.endsWith(".pickle");
  }

  /** The reference's list of G_LM, or of [A_LM, G_LM], per layer. */
  private static GCache fromPickle(Path file, ModelConfig config) throws IOException {
    Object root = TorchPickle.read(file);
    int h = config.getNumHeads();
    int d = config.getDModel() / h;
    Shape want = Shape.of(1, h, d, d);
    if (!(root instanceof List<?> entries)) {
      throw new IOException(
          file
              + ": a pickled "
              + kind(root)
              + ", expected a list of G_LM (or of [A_LM, G_LM]) per layer");
    }
    if (entries.size() != config.getNumLayers()) {
      throw new IOException(
          file
              + ": "
              + entries.size()
              + " layers, expected "
              + config.getNumLayers()
              + " (one G_LM, or [A_LM, G_LM], per decoder layer of this model)");
    }
    List<LayerDeductive> layers = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Object e = entries.get(i);
      HostTensor a;
      HostTensor g;
      if (e instanceof HostTensor t) {
        g = checked(file, i, "G_LM", t, want);
        a = HostTensor.wrap(g.dtype(), want, new double[g.size()]);
      } else if (e instanceof List<?> pair
          && pair.size() == 2
          && pair.get(0) instanceof HostTensor t0
          && pair.get(1) instanceof HostTensor t1) {
        a = checked(file, i, "A_LM", t0, want);
        g = checked(file, i, "G_LM", t1, want);
      } else {
        throw new IOException(
            file
                + ": layer "
                + i
                + " holds "
                + kind(e)
                + ", expected a tensor G_LM "
                + want
                + " or a pair [A_LM, G_LM]");
      }
      layers.add(new LayerDeductive(a, g));
    }
    return new GCache(layers);
  }

  private static HostTensor checked(Path file, int layer, String name, HostTensor t, Shape want)
      throws IOException {
    if (!t.shape().equals(want)) {
      throw new IOException(
          file
              + ": layer "
              + layer
              + " has "
              + name
              + " of shape "
              + t.shape()
              + ", expected "
              + want
              + " ([1, heads, depth, depth] of this model)");
    }
    return t;
  }

  private static String kind(Object o) {
    if (o instanceof HostTensor t) {
      return "tensor " + t.shape();
    }
    if (o instanceof List<?> l) {
      return "list of " + l.size();
    }
    return o == null ? "None" : o.getClass().getSimpleName();
  }
}

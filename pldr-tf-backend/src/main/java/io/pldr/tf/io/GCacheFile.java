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

/**
 * A G-cache saved to a file: per layer A_LM and G_LM ({@code layer{i}.A_LM}, {@code layer{i}.G_LM},
 * each {@code [1, H, d, d]}) in safetensors, with a header naming the format and the model shape.
 * Inferred once, it lets later runs decode without the deep net.
 *
 * <p>{@link #load} also reads the reference implementation's pickled G files (a name ending in
 * {@code .pkl}, read by {@link TorchPickle}): a list with one entry per decoder layer, either G_LM
 * {@code [1, H, d, d]} alone (its {@code ablation/predefined-G_LM} files, v510G's {@code
 * Gcachelst}) or a pair [A_LM, G_LM] (v510's {@code Gcachelst_init}, its {@code
 * ablation/negative-test-G-init} files). Where the file holds G_LM alone, A_LM is zero: the
 * reference's v510G has no A_LM at all, attention reads only G_LM, and the reference's own pair
 * files made from a predefined G_LM hold a zero A_LM (as the {@code random} operator does).
 */
public final class GCacheFile {
  /** The format name in the file's metadata. */
  public static final String FORMAT = "pldr-gcache";

  /** The format's version. */
  public static final String VERSION = "1";

  private GCacheFile() {}

  /** Writes {@code gCache} (row 0 of each batch) for a model of {@code config}, atomically. */
  public static void save(Path file, ModelConfig config, GCache gCache) throws IOException {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    int h = config.getNumHeads();
    int d = config.getDModel() / h;
    for (int i = 0; i < gCache.numLayers(); i++) {
      tensors.put("layer" + i + ".A_LM", firstRow(gCache.layer(i).aLm(), h, d));
      tensors.put("layer" + i + ".G_LM", firstRow(gCache.layer(i).gLm(), h, d));
    }
    Safetensors.write(
        file,
        tensors,
        Map.of(
            "format",
            FORMAT,
            "version",
            VERSION,
            "num_layers",
            Integer.toString(config.getNumLayers()),
            "num_heads",
            Integer.toString(h),
            "depth",
            Integer.toString(d),
            "tensor_operator",
            config.getTensorOperator().getName()));
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
   * Reads a G-cache for a model of {@code config}: a pldr G-cache file, a Hugging Face weights file
   * holding {@value #PAST_G} (its A_LM and G_LM), or the reference's pickled G file (name ending in
   * {@code .pkl}). A file of another format, or from a model of another shape, fails naming the
   * file and both shapes.
   */
  public static GCache load(Path file, ModelConfig config) throws IOException {
    if (isPickle(file)) {
      return fromPickle(file, config);
    }
    Safetensors.Contents c =
        Safetensors.read(file, name -> name.startsWith("layer") || name.equals(PAST_G));
    if (c.tensors().containsKey(PAST_G)) {
      return pastGValues(file, c.tensors().get(PAST_G), config);
    }
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
